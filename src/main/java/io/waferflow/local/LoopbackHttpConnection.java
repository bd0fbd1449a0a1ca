package io.waferflow.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection that POSTs and reads answers with fixed lengths: the load generator's client. Far
 * lighter than {@code java.net.http.HttpClient} (no selector thread, no futures), so on a shared 2-core machine the
 * clients take little of the CPU the server is measured on. Handles exactly what {@code waferflow serve} answers.
 */
final class LoopbackHttpConnection implements Closeable {

    /** An answer's status, the server's own time from {@code Server-Timing} (ms; -1 if none) and body length. */
    record Answer(int status, double serverMillis, int bodyBytes) {}

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] head;

    LoopbackHttpConnection(String host, int port, String path) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(30_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new BufferedInputStream(socket.getInputStream(), 256 * 1024);
        head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
    }

    Answer post(byte[] body) throws IOException {
        out.write(head);
        out.write(Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {'\r', '\n', '\r', '\n'});
        out.write(body);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        double serverMillis = -1;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Server-Timing")) {
                serverMillis = Double.parseDouble(value.substring(value.indexOf("dur=") + 4));
            }
        }
        if (length < 0) {
            throw new IOException("answer without Content-Length");
        }
        in.skipNBytes(length);
        return new Answer(code, serverMillis, length);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
