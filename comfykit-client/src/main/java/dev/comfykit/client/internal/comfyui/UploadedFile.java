package dev.comfykit.client.internal.comfyui;

/**
 * A file stored by {@code POST /upload/image}: use {@link #reference()} as the value of a loader node's input.
 */
public final class UploadedFile {

    private final String name;
    private final String subfolder;
    private final String type;

    public UploadedFile(String name, String subfolder, String type) {
        this.name = name;
        this.subfolder = subfolder == null ? "" : subfolder;
        this.type = type == null ? "input" : type;
    }

    /** The name the server chose (it can differ from the one sent: {@code cat (1).png}). */
    public String name() {
        return name;
    }

    public String subfolder() {
        return subfolder;
    }

    public String type() {
        return type;
    }

    /** {@code subfolder/name}, or just {@code name}: what {@code LoadImage} expects. */
    public String reference() {
        return subfolder.isEmpty() ? name : subfolder + "/" + name;
    }

    @Override
    public String toString() {
        return reference() + " [" + type + "]";
    }
}
