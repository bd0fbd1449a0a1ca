package io.waferflow.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A quarantined message as it is kept for replay: its text (or {@code base64:} and its bytes when they are not valid
 * UTF-8, so nothing is lost), its size in bytes and its SHA-256. The size and hash let a reader of the violation topic,
 * which carries only a prefix of large payloads, find the whole message in the Parquet quarantine.
 */
public final class RawPayload {

    public final String text;
    public final long bytes;
    public final String sha256;

    private RawPayload(String text, long bytes, String sha256) {
        this.text = text;
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    public static RawPayload of(byte[] payload) {
        return new RawPayload(text(payload), payload.length, sha256(payload));
    }

    public void attachTo(Violation v) {
        v.rawPayload = text;
        v.rawPayloadBytes = bytes;
        v.rawPayloadSha256 = sha256;
    }

    /** The payload as text if it is valid UTF-8, else "base64:" and its bytes. */
    static String text(byte[] payload) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(payload);
        }
    }

    static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
