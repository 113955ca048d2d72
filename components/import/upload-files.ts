/**
 * Sends files to PUT /api/uploads/<uploadId>/<path>, one request per file, reporting bytes sent
 * across all of them. XMLHttpRequest rather than fetch: only it reports upload progress.
 */
import type { UploadFile } from "./collect-files";

export interface UploadProgress {
  sent: number;
  total: number;
}

/**
 * A random v4 UUID. crypto.randomUUID exists only in secure contexts (https, localhost); the
 * studio is also opened as http://<host>:3000 from other machines, where getRandomValues works.
 */
export function newUploadId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function uploadFiles(uploadId: string, files: UploadFile[], onProgress: (progress: UploadProgress) => void): Promise<void> {
  const total = files.reduce((sum, f) => sum + f.file.size, 0);
  let done = 0;
  onProgress({ sent: 0, total });
  for (const { file, path } of files) {
    const url = `/api/uploads/${uploadId}/${path.split("/").map(encodeURIComponent).join("/")}`;
    await putFile(url, file, (loaded) => onProgress({ sent: done + loaded, total }));
    done += file.size;
    onProgress({ sent: done, total });
  }
}

function putFile(url: string, file: File, onLoaded: (bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onLoaded(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let message = `${xhr.status} ${xhr.statusText}`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the HTTP status
      }
      reject(new Error(`Uploading ${file.name} failed: ${message}`));
    };
    xhr.onerror = () => reject(new Error(`Uploading ${file.name} failed: the connection to the server was lost`));
    xhr.send(file);
  });
}
