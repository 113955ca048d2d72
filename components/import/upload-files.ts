/**
 * Sends files to PUT /api/uploads/<uploadId>/<path>, one request per file, reporting bytes sent
 * across all of them. XMLHttpRequest rather than fetch: only it reports upload progress.
 */
import type { UploadFile } from "./collect-files";

export interface UploadProgress {
  sent: number;
  total: number;
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
