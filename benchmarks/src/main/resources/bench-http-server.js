// The HTTP server both sides of the preview benchmark talk to: in a sandbox (through its preview
// URL) and on the host (directly). GET /small answers 2 bytes; GET /big?bytes=N streams N bytes.
// Prints the port it listens on. Usage: node bench-http-server.js PORT (0 picks one).
const http = require("http");
const chunk = Buffer.alloc(64 * 1024);
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/small") {
    res.writeHead(200, { "content-type": "text/plain", "content-length": 2 });
    res.end("ok");
    return;
  }
  if (url.pathname === "/big") {
    let left = Number(url.searchParams.get("bytes") || 0);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": left });
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
    return;
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[2] || 0), "127.0.0.1", () => {
  console.log(server.address().port);
});
