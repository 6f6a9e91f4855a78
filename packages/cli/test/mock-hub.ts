// A Hugging Face Hub stand-in on 127.0.0.1 for tests: the model API listing, resolve/ with the
// hub's headers (a 302 to a /cdn/ path for .safetensors files, as LFS files go to the CDN),
// Range requests, and faults to switch on: a dropped connection, a reset before any answer,
// wrong bytes, 401, 404.
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A repository: file name → contents, and its commit hash. */
export interface MockRepo {
  files: Record<string, Uint8Array | string>;
  commit: string;
}

/** Faults the next requests meet. */
export interface MockFaults {
  /** Cut the connection after this many bytes of this file's body. */
  drop?: { file: string; after: number };
  /** Serve this file with its first byte flipped (headers unchanged). */
  corrupt?: string;
  /** Answer every request with this status (401, 404, 500). */
  status?: number;
  /** Ignore Range headers (answer 200 with the whole file). */
  ignoreRange?: boolean;
  /** Reset this many of the next connections before answering (counts down). */
  reset?: number;
}

/** A running mock hub. */
export interface MockHub {
  endpoint: string;
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  faults: MockFaults;
  close(): Promise<void>;
}

const bytesOf = (v: Uint8Array | string) =>
  typeof v === "string" ? Buffer.from(v) : Buffer.from(v);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
// A git blob id, the ETag the hub sends for files kept in git rather than LFS.
const gitSha1 = (b: Buffer) =>
  createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");

/** A 40-hex commit hash from a seed. */
export const commitOf = (seed: string) => createHash("sha1").update(seed).digest("hex");

/** Starts a hub serving `repos` (owner/name → repo) on a free port. */
export async function startMockHub(repos: Record<string, MockRepo>): Promise<MockHub> {
  const hub: MockHub = { endpoint: "", requests: [], faults: {}, close: async () => {} };
  const blobs = new Map<string, { file: string; body: Buffer }>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "").split("?")[0]);
    hub.requests.push({ method: req.method ?? "", path, headers: req.headers });
    const { faults } = hub;
    if (faults.reset) {
      faults.reset--;
      return req.socket.destroy();
    }
    if (faults.status) {
      res.writeHead(faults.status, faults.status === 404 ? { "X-Error-Code": "RepoNotFound" } : {});
      return res.end("fault");
    }
    const send = (file: string, body: Buffer, headers: Record<string, string>) => {
      const bad = faults.corrupt === file ? Buffer.from(body) : body;
      if (bad !== body) bad[0] ^= 0xff;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      const from = range && !faults.ignoreRange ? Number(range[1]) : 0;
      const part = bad.subarray(from);
      res.writeHead(from > 0 ? 206 : 200, {
        ...headers,
        "Content-Length": String(part.length),
        ...(from > 0 ? { "Content-Range": `bytes ${from}-${bad.length - 1}/${bad.length}` } : {}),
      });
      if (req.method === "HEAD") return res.end();
      if (faults.drop?.file === file) {
        const cut = Math.max(0, faults.drop.after - from);
        res.write(part.subarray(0, cut), () => res.socket?.destroy());
        return;
      }
      res.end(part);
    };
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn && blobs.has(cdn[1])) {
      const { file, body } = blobs.get(cdn[1]) as { file: string; body: Buffer };
      return send(file, body, {});
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const id = api?.[1] ?? resolve?.[1];
    const repo = id ? repos[id] : undefined;
    const revision = api?.[2] ?? resolve?.[2];
    if (!repo) {
      res.writeHead(401, { "X-Error-Code": "RepoNotFound" });
      return res.end("Repository not found");
    }
    if (revision !== "main" && revision !== repo.commit) {
      res.writeHead(404, { "X-Error-Code": "RevisionNotFound" });
      return res.end("Revision not found");
    }
    if (api) {
      const siblings = Object.keys(repo.files).map((rfilename) => ({ rfilename }));
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ id, sha: repo.commit, siblings }));
    }
    const file = (resolve as RegExpExecArray)[3];
    if (!(file in repo.files)) {
      res.writeHead(404, { "X-Error-Code": "EntryNotFound" });
      return res.end("Entry not found");
    }
    const body = bytesOf(repo.files[file]);
    if (file.endsWith(".safetensors")) {
      const hash = sha256(body);
      blobs.set(hash, { file, body });
      res.writeHead(302, {
        Location: `${hub.endpoint}/cdn/${hash}`,
        "X-Repo-Commit": repo.commit,
        "X-Linked-Etag": `"${hash}"`,
        "X-Linked-Size": String(body.length),
        ETag: `W/"${gitSha1(Buffer.from("pointer"))}"`,
        "Content-Length": "0",
      });
      return res.end();
    }
    send(file, body, { "X-Repo-Commit": repo.commit, ETag: `"${gitSha1(body)}"` });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  hub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return hub;
}
