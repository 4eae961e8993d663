// One TCP port for every protocol: HTTP/2 without TLS (h2c: gRPC, Connect, gRPC-Web) and
// HTTP/1.1 (Connect, gRPC-Web, curl). A connection that opens with the HTTP/2 preface
// goes to the http2 server, anything else to the http1 server. Envoy, k8s probes and
// local clients all reach the same listener.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { connectNodeAdapter } from "@connectrpc/connect-node";

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

const PREFACE = Buffer.from("PRI * HTTP/2.0");

export interface OnePortServer {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets in-flight calls finish for up to graceMs, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

export function createOnePortServer(handler: NodeHandlerFn): OnePortServer {
  const h1 = http.createServer(handler);
  h1.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
  const h2 = http2.createServer(
    // Streams (notifications, upload progress) and bulk responses want a big window.
    { settings: { initialWindowSize: 4 * 1024 * 1024, maxConcurrentStreams: 1000 } },
    handler,
  );
  const sessions = new Set<http2.Http2Session>();
  h2.on("session", (s) => {
    s.setLocalWindowSize?.(8 * 1024 * 1024);
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  const sockets = new Set<net.Socket>();

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const n = Math.min(first.length, PREFACE.length);
      const isH2 = first.subarray(0, n).equals(PREFACE.subarray(0, n));
      // http2 takes the socket's native handle and drains what was unshifted itself;
      // the http1 parser reads through the stream, which must flow again.
      if (isH2) h2.emit("connection", socket);
      else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(port, host, () => {
          tcp.off("error", reject);
          resolve((tcp.address() as net.AddressInfo).port);
        });
      });
    },
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of sessions) s.close(); // GOAWAY: no new streams, in-flight ones finish
      h1.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const s of sessions) s.destroy();
        for (const s of sockets) s.destroy();
      }, graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
