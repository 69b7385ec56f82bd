# A minimal WebSocket echo server (RFC 6455, unfragmented frames), for tests that check upgrades
# pass through preview URLs. Usage: python3 ws_echo.py PORT
import base64, hashlib, socket, sys, threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

def exact(c, n):
    b = b""
    while len(b) < n:
        part = c.recv(n - len(b))
        if not part:
            raise EOFError
        b += part
    return b

def handle(c):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            part = c.recv(4096)
            if not part:
                return
            data += part
        key = [l.split(b":", 1)[1].strip() for l in data.split(b"\r\n")
               if l.lower().startswith(b"sec-websocket-key:")][0]
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        while True:
            b0, b1 = exact(c, 2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = int.from_bytes(exact(c, 2), "big")
            elif n == 127:
                n = int.from_bytes(exact(c, 8), "big")
            mask = exact(c, 4) if b1 & 0x80 else b"\0\0\0\0"
            payload = bytes(x ^ mask[i % 4] for i, x in enumerate(exact(c, n)))
            if opcode == 8:
                c.sendall(b"\x88\x00")
                return
            if opcode in (1, 2):
                payload = b"echo:" + payload
                head = bytes([0x80 | opcode])
                if len(payload) < 126:
                    head += bytes([len(payload)])
                else:
                    head += bytes([126]) + len(payload).to_bytes(2, "big")
                c.sendall(head + payload)
    except (EOFError, OSError):
        pass
    finally:
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    conn, _ = s.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
