package dev.comfykit.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file an execution produced: where ComfyUI keeps it ({@code filename}, {@code subfolder}, {@code type}),
 * its {@code /view} URL, the output variable and node it came from, and, once downloaded, the local path.
 * <p>
 * Its content can be read with {@link #readAllBytes()} or {@link #openStream()}: from the local file when it was
 * downloaded, otherwise from the server through the {@link ComfyKit} that produced it (with that client's
 * credentials, since the URL points at the same ComfyUI).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"variable", "node_id", "kind", "filename", "subfolder", "type", "url", "path"})
public final class OutputFile {

    /**
     * Reads output files from where they live; implemented by the client that produced them.
     */
    public interface Reader {
        /**
         * Opens the content of the file.
         */
        InputStream open(OutputFile file) throws IOException;
    }

    private final String variable;
    private final String nodeId;
    private final MediaKind kind;
    private final String filename;
    private final String subfolder;
    private final String type;
    private final String url;
    private final Path path;
    private final transient Reader reader;

    public OutputFile(String variable, String nodeId, MediaKind kind, String filename, String subfolder, String type,
                      String url, Path path, Reader reader) {
        this.variable = Objects.requireNonNull(variable, "variable");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.filename = Objects.requireNonNull(filename, "filename");
        this.subfolder = subfolder == null ? "" : subfolder;
        this.type = type == null ? "output" : type;
        this.url = url;
        this.path = path;
        this.reader = reader;
    }

    /** The output variable ({@code $output.name} title marker) or, without a marker, the node id. */
    @JsonProperty("variable")
    public String getVariable() {
        return variable;
    }

    @JsonProperty("node_id")
    public String getNodeId() {
        return nodeId;
    }

    @JsonProperty("kind")
    public MediaKind getKind() {
        return kind;
    }

    /** The file name exactly as the server reported it (never use it as a local path unchecked). */
    @JsonProperty("filename")
    public String getFilename() {
        return filename;
    }

    @JsonProperty("subfolder")
    public String getSubfolder() {
        return subfolder;
    }

    /** ComfyUI's folder type: {@code output}, {@code temp} or {@code input}. */
    @JsonProperty("type")
    public String getType() {
        return type;
    }

    /** The content type its extension implies, e.g. {@code image/png}; {@code application/octet-stream} if unknown. */
    @JsonIgnore
    public String getContentType() {
        return dev.comfykit.client.internal.media.ContentTypes.ofName(filename);
    }

    /** The URL the file can be fetched from, properly encoded. */
    @JsonProperty("url")
    public String getUrl() {
        return url;
    }

    /** The local file this output was downloaded to, or {@code null}. */
    @JsonProperty("path")
    public Path getPath() {
        return path;
    }

    /** A copy of this output that lives in a local file. */
    public OutputFile withPath(Path localPath) {
        return new OutputFile(variable, nodeId, kind, filename, subfolder, type, url, localPath, reader);
    }

    /**
     * Opens the content: the local file when downloaded, otherwise a download from the server.
     *
     * @throws IOException when the content cannot be read
     */
    public InputStream openStream() throws IOException {
        if (path != null) {
            return Files.newInputStream(path);
        }
        if (reader == null) {
            throw new IOException("Output " + filename + " has no local copy and no client to download it with;"
                    + " download it with ComfyKit.download(...) or fetch " + url);
        }
        return reader.open(this);
    }

    /**
     * Reads the whole content (see {@link #openStream()}).
     *
     * @throws UncheckedIOException when the content cannot be read
     */
    public byte[] readAllBytes() {
        try (InputStream in = openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read output " + filename + ": " + e.getMessage(), e);
        }
    }

    @JsonIgnore
    Reader reader() {
        return reader;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OutputFile)) {
            return false;
        }
        OutputFile that = (OutputFile) o;
        return variable.equals(that.variable) && nodeId.equals(that.nodeId) && kind == that.kind
                && filename.equals(that.filename) && subfolder.equals(that.subfolder) && type.equals(that.type)
                && Objects.equals(url, that.url) && Objects.equals(path, that.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(variable, nodeId, kind, filename, subfolder, type, url, path);
    }

    @Override
    public String toString() {
        return "OutputFile[" + variable + "/" + nodeId + " " + kind + " " + (subfolder.isEmpty() ? "" : subfolder + "/")
                + filename + " (" + type + ")" + (path == null ? "" : " -> " + path) + "]";
    }
}
