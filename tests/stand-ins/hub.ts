/**
 * A Hugging Face Hub stand-in on loopback, for tests and the bench: the HTTP calls `huggingface_hub`
 * makes to push (whoami-v2, repos/create, validate-yaml, preupload, the LFS batch API with basic
 * transfers, the PUT of each object and its verify, the NDJSON commit, revision info) and to read back
 * (resolve). It stores what it receives, so a test compares the pushed files byte for byte, and counts
 * what arrived (complete LFS uploads per object, bytes, commits). Xet is never offered: run the client
 * with HF_HUB_DISABLE_XET=1.
 *
 * Knobs: tokens (unknown: 401; role "read": whoami says so and writes get 403), namespaces the token's
 * user does not own get 403, `refuseName` refuses a name with 400, `dieAfterLfsBytes` kills the server
 * (every socket destroyed, the port closed) once that many LFS bytes arrived; `start()` brings it back
 * on the same port with what it stored.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface HubToken {
  user: string;
  orgs?: string[];
  role: "write" | "read";
}

export interface HubStandInOptions {
  tokens: Record<string, HubToken>;
  /** A reason to refuse a repo name with 400, or null. */
  refuseName?: (name: string) => string | null;
  /**
   * Kills the server mid-upload: on the first LFS chunk that arrives once `bytes` LFS bytes (counted
   * across uploads) were received and `uploads` LFS uploads completed. The uploads run in parallel,
   * so a byte count alone could kill before any of them was whole, or after all.
   */
  dieDuringLfs?: { bytes: number; uploads: number };
  port?: number;
}

interface StoredFile {
  content: Buffer;
  /** sha256 hex for LFS files, the git blob sha1 for regular ones: what preupload answers as `oid`. */
  oid: string;
  lfs: boolean;
}

interface Repo {
  type: "model" | "dataset";
  id: string;
  private: boolean;
  files: Map<string, StoredFile>;
  commits: string[];
}

export interface HubStandIn {
  url: string;
  port: number;
  options: HubStandInOptions;
  /** Complete LFS uploads per `<type>:<repo>@<sha256 hex>` (the Hub keeps LFS objects per repo). */
  lfsUploads: Map<string, number>;
  /** LFS bytes received, whole and partial uploads together. */
  lfsBytesReceived: number;
  /** LFS uploads completed, every repo and repeats together. */
  lfsUploadsCompleted: number;
  requests: { method: string; path: string; status: number }[];
  file(type: "model" | "dataset", repo: string, path: string): Buffer | null;
  files(type: "model" | "dataset", repo: string): Map<string, Buffer>;
  repo(type: "model" | "dataset", repo: string): Repo | null;
  /** Whether the server was killed by `dieDuringLfs`. */
  died: boolean;
  start(): Promise<void>;
  close(): Promise<void>;
}

const gitBlobSha1 = (content: Buffer) => crypto.createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
const sha256 = (content: Buffer) => crypto.createHash("sha256").update(content).digest("hex");
/** The Hub stores these, binary samples and files of 10 MiB or more with LFS. */
const LFS_NAMES = /\.(whl|safetensors|bin|pkl|pt|pth|zip|parquet|npz|npy|onnx|h5|msgpack)$/;
const LFS_SIZE = 10 * 2 ** 20;

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startHubStandIn(options: HubStandInOptions): Promise<HubStandIn> {
  const repos = new Map<string, Repo>();
  /** Per repo, as the Hub keeps them: `<type>:<repo>@<oid>`. */
  const lfsObjects = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  let server: http.Server | null = null;

  const key = (type: string, id: string) => `${type}:${id}`;
  const self: HubStandIn = {
    url: "",
    port: options.port ?? 0,
    options,
    lfsUploads: new Map(),
    lfsBytesReceived: 0,
    lfsUploadsCompleted: 0,
    requests: [],
    died: false,
    file: (type, repo, path) => repos.get(key(type, repo))?.files.get(path)?.content ?? null,
    files: (type, repo) => new Map([...(repos.get(key(type, repo))?.files ?? new Map<string, StoredFile>())].map(([path, file]) => [path, file.content])),
    repo: (type, repo) => repos.get(key(type, repo)) ?? null,
    async start() {
      server = http.createServer((request, response) => {
        handle(request, response).catch((error: Error) => {
          if (!response.headersSent) send(response, 500, { error: error.message });
        });
      });
      server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server!.listen(self.port, "127.0.0.1", resolve));
      self.port = (server.address() as AddressInfo).port;
      self.url = `http://127.0.0.1:${self.port}`;
      self.died = false;
    },
    async close() {
      const closing = server;
      server = null;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };

  const send = (response: http.ServerResponse, status: number, body: unknown) => {
    const request = (response as unknown as { req: http.IncomingMessage }).req;
    self.requests.push({ method: request.method ?? "", path: (request.url ?? "").split("?")[0]!, status });
    const text = JSON.stringify(body);
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    response.end(text);
  };

  const die = () => {
    self.died = true;
    void self.close();
  };

  /** The token's owner, or a 401 already sent. */
  const authenticate = (request: http.IncomingMessage, response: http.ServerResponse): HubToken | null => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const owner = token ? options.tokens[token] : undefined;
    if (!owner) {
      send(response, 401, { error: "Invalid credentials in Authorization header" });
      return null;
    }
    return owner;
  };

  /** Whether the token may write under `namespace`; else a 403 is sent. */
  const mayWrite = (owner: HubToken, namespace: string, type: string, response: http.ServerResponse): boolean => {
    if (owner.role === "read") {
      send(response, 403, { error: "You don't have the rights to write with this token: it is a read token" });
      return false;
    }
    if (namespace !== owner.user && !(owner.orgs ?? []).includes(namespace)) {
      send(response, 403, { error: `You don't have the rights to create a ${type} under the namespace "${namespace}"` });
      return false;
    }
    return true;
  };

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", self.url);
    const path = decodeURIComponent(url.pathname);
    const method = request.method ?? "GET";
    let match: RegExpExecArray | null;

    if (method === "PUT" && (match = /^\/lfs-upload\/(model|dataset)\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/.exec(path))) {
      const [, type, id, oid] = match as unknown as [string, string, string, string];
      const object = `${key(type, id)}@${oid}`;
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        self.lfsBytesReceived += chunk.length;
        const dieAt = options.dieDuringLfs;
        if (dieAt && self.lfsBytesReceived >= dieAt.bytes && self.lfsUploadsCompleted >= dieAt.uploads) {
          options.dieDuringLfs = undefined;
          die();
          return;
        }
      }
      const content = Buffer.concat(chunks);
      if (sha256(content) !== oid) return send(response, 400, { error: "the uploaded bytes do not match their oid" });
      lfsObjects.set(object, content);
      self.lfsUploads.set(object, (self.lfsUploads.get(object) ?? 0) + 1);
      self.lfsUploadsCompleted++;
      return send(response, 200, {});
    }

    const body = await readBody(request);
    const json = () => JSON.parse(body.toString("utf8") || "{}");

    if (method === "POST" && (match = /^\/lfs-verify\/(model|dataset)\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/.exec(path))) {
      return lfsObjects.has(`${key(match[1]!, match[2]!)}@${match[3]}`) ? send(response, 200, {}) : send(response, 404, { error: "object not found" });
    }

    if (method === "GET" && path === "/api/whoami-v2") {
      const owner = authenticate(request, response);
      if (!owner) return;
      return send(response, 200, {
        type: "user",
        name: owner.user,
        fullname: owner.user,
        orgs: (owner.orgs ?? []).map((name) => ({ type: "org", name })),
        auth: { type: "access_token", accessToken: { displayName: "studio-test", role: owner.role } },
      });
    }

    if (method === "POST" && path === "/api/repos/create") {
      const owner = authenticate(request, response);
      if (!owner) return;
      const { name, organization, type = "model", private: isPrivate, visibility } = json();
      const namespace = organization ?? owner.user;
      if (!mayWrite(owner, namespace, type, response)) return;
      const refused = options.refuseName?.(name) ?? null;
      if (refused) return send(response, 400, { error: refused });
      const id = `${namespace}/${name}`;
      const repoUrl = `${self.url}/${type === "dataset" ? "datasets/" : ""}${id}`;
      if (repos.has(key(type, id))) return send(response, 409, { error: `You already created this ${type} repo`, url: repoUrl });
      repos.set(key(type, id), { type, id, private: Boolean(isPrivate ?? visibility === "private"), files: new Map(), commits: [] });
      return send(response, 200, { url: repoUrl, name: id });
    }

    if (method === "POST" && path === "/api/validate-yaml") return send(response, 200, {});

    if ((match = /^\/api\/(model|dataset)s\/([^/]+\/[^/]+)\/(preupload|commit|revision)\/(.+)$/.exec(path))) {
      const [, type, id, action] = match as unknown as [string, "model" | "dataset", string, string];
      const owner = authenticate(request, response);
      if (!owner) return;
      const repo = repos.get(key(type, id));
      if (!repo) return send(response, 404, { error: "Repository not found" });
      if (action === "revision" && method === "GET") {
        return send(response, 200, { id, sha: repo.commits.at(-1) ?? "0".repeat(40), private: repo.private, siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) });
      }
      if (method !== "POST") return send(response, 405, { error: "method not allowed" });
      if (!mayWrite(owner, id.split("/")[0]!, type, response)) return;
      if (action === "preupload") {
        const files = (json().files as { path: string; sample: string; size: number }[]).map((file) => {
          const sample = Buffer.from(file.sample, "base64");
          const lfs = file.size >= LFS_SIZE || LFS_NAMES.test(file.path) || sample.includes(0);
          return { path: file.path, uploadMode: lfs ? "lfs" : "regular", shouldIgnore: false, oid: repo.files.get(file.path)?.oid ?? null };
        });
        return send(response, 200, { files, commitOid: repo.commits.at(-1) ?? null });
      }
      // The commit: NDJSON, a header then one line per operation.
      const lines = body.toString("utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as { key: string; value: Record<string, string> });
      const changes = new Map<string, StoredFile>();
      for (const { key: kind, value } of lines) {
        if (kind === "file") {
          const content = Buffer.from(value.content!, "base64");
          changes.set(value.path!, { content, oid: gitBlobSha1(content), lfs: false });
        } else if (kind === "lfsFile") {
          const content = lfsObjects.get(`${key(type, id)}@${value.oid}`);
          if (!content) return send(response, 422, { error: `LFS object ${value.oid} was never uploaded` });
          changes.set(value.path!, { content, oid: value.oid!, lfs: true });
        } else if (kind === "deletedFile") repo.files.delete(value.path!);
      }
      for (const [filePath, file] of changes) repo.files.set(filePath, file);
      const commitOid = crypto.randomBytes(20).toString("hex");
      repo.commits.push(commitOid);
      const prefix = type === "dataset" ? "datasets/" : "";
      return send(response, 200, { commitUrl: `${self.url}/${prefix}${id}/commit/${commitOid}`, commitOid, pullRequestUrl: null });
    }

    if (method === "POST" && (match = /^\/(?:(datasets)\/)?([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path))) {
      const owner = authenticate(request, response);
      if (!owner) return;
      const type = match[1] ? "dataset" : "model";
      const id = match[2]!;
      if (!repos.has(key(type, id))) return send(response, 404, { error: "Repository not found" });
      if (!mayWrite(owner, id.split("/")[0]!, type, response)) return;
      const objects = (json().objects as { oid: string; size: number }[]).map(({ oid, size }) =>
        lfsObjects.has(`${key(type, id)}@${oid}`)
          ? { oid, size }
          : { oid, size, authenticated: true, actions: { upload: { href: `${self.url}/lfs-upload/${type}/${id}/${oid}` }, verify: { href: `${self.url}/lfs-verify/${type}/${id}/${oid}` } } },
      );
      return send(response, 200, { transfer: "basic", objects });
    }

    if (method === "GET" && (match = /^\/(?:(datasets)\/)?([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path))) {
      const content = repos.get(key(match[1] ? "dataset" : "model", match[2]!))?.files.get(match[3]!)?.content;
      if (!content) return send(response, 404, { error: "Entry not found" });
      self.requests.push({ method, path, status: 200 });
      response.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": content.length });
      return void response.end(content);
    }

    return send(response, 404, { error: `the stand-in does not serve ${method} ${path}` });
  }

  await self.start();
  return self;
}
