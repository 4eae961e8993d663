// Exits 0 once a CQL server answers a real query on HOST:PORT, printing its release version.
// Speaks the native protocol (v4) directly so it needs no npm package: cassandra.sh runs it
// before `npm ci` may have happened, and cqlsh is not installed here.
//
//   node cql-ping.mjs 127.0.0.1 9042
import net from "node:net";

const [host = "127.0.0.1", port = "9042"] = process.argv.slice(2);
const OP = { STARTUP: 0x01, READY: 0x02, ERROR: 0x00, QUERY: 0x07, RESULT: 0x08 };

function frame(stream, opcode, body) {
  const header = Buffer.alloc(9);
  header.writeUInt8(0x04, 0); // protocol v4, request
  header.writeUInt8(0, 1); // flags
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}
const string = (s) => { const b = Buffer.from(s); const l = Buffer.alloc(2); l.writeUInt16BE(b.length); return Buffer.concat([l, b]); };
const longString = (s) => { const b = Buffer.from(s); const l = Buffer.alloc(4); l.writeInt32BE(b.length); return Buffer.concat([l, b]); };
const stringMap = (m) => { const n = Buffer.alloc(2); n.writeUInt16BE(Object.keys(m).length); return Buffer.concat([n, ...Object.entries(m).flatMap(([k, v]) => [string(k), string(v)])]); };

const socket = net.connect({ host, port: Number(port) });
socket.setTimeout(5000, () => fail("timeout"));
socket.on("error", (e) => fail(e.message));
let buffered = Buffer.alloc(0);
socket.on("connect", () => socket.write(frame(1, OP.STARTUP, stringMap({ CQL_VERSION: "3.0.0" }))));
socket.on("data", (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 9) {
    const length = buffered.readInt32BE(5);
    if (buffered.length < 9 + length) return;
    const opcode = buffered.readUInt8(4);
    const body = buffered.subarray(9, 9 + length);
    buffered = buffered.subarray(9 + length);
    if (opcode === OP.ERROR) fail(body.subarray(6).toString("utf8"));
    if (opcode === OP.READY) {
      const consistencyOne = Buffer.from([0x00, 0x01, 0x00]); // consistency ONE, no flags
      socket.write(frame(2, OP.QUERY, Buffer.concat([longString("SELECT release_version FROM system.local"), consistencyOne])));
    } else if (opcode === OP.RESULT) {
      const version = /\d+\.\d+\.\d+[\w.-]*/.exec(body.toString("latin1"));
      console.log(version ? version[0] : "unknown");
      socket.end();
      process.exit(0);
    }
  }
});

function fail(reason) {
  console.error(`cql-ping: ${host}:${port}: ${reason}`);
  process.exit(1);
}
