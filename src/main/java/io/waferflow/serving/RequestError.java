package io.waferflow.serving;

/**
 * A request the server refuses, with the HTTP status and a message that says what was wrong. Thrown while a request is
 * read and checked, answered as {@code {"error": message}}.
 */
public final class RequestError extends RuntimeException {

    private final int status;
    private final String kind;

    private RequestError(int status, String kind, String message) {
        super(message, null, false, false);
        this.status = status;
        this.kind = kind;
    }

    static RequestError badRequest(String message) {
        return new RequestError(400, "bad_request", message);
    }

    static RequestError tooLarge(String message) {
        return new RequestError(413, "too_large", message);
    }

    static RequestError unauthorized(String message) {
        return new RequestError(401, "unauthorized", message);
    }

    static RequestError notFound(String message) {
        return new RequestError(404, "not_found", message);
    }

    static RequestError methodNotAllowed(String message) {
        return new RequestError(405, "method_not_allowed", message);
    }

    public int status() {
        return status;
    }

    /** The error's label in {@code /metrics} ({@code waferflow_serving_errors_total{kind=...}}). */
    public String kind() {
        return kind;
    }
}
