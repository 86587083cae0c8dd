package dev.comfykit.client.spi;

/**
 * Told how many bytes of media a client moves to and from its ComfyUI servers: uploads of media params
 * ({@code POST /upload/image}) and downloads of output files ({@code GET /view}). Meant for metrics (the Camel
 * component's {@code comfykit.upload.bytes} and {@code comfykit.download.bytes} counters); register one with
 * {@link dev.comfykit.client.ComfyKit#addTransferListener(TransferListener)}.
 * <p>
 * Called on the client's I/O threads, possibly concurrently: an implementation must be thread-safe, quick and must
 * not block or throw (what it throws is logged and ignored). RunningHub's uploads and downloads are not reported.
 */
public interface TransferListener {

    /**
     * A media file was uploaded.
     *
     * @param serverUrl the server's base URL (as {@link dev.comfykit.client.ServerStatus#url()} shows it)
     * @param bytes     the file's size
     */
    default void uploaded(String serverUrl, long bytes) {
    }

    /**
     * Bytes of an output file were read from a server; a download is reported in several calls as it is read.
     *
     * @param serverUrl the server's base URL (as {@link dev.comfykit.client.ServerStatus#url()} shows it)
     * @param bytes     the bytes read since the last call for this download
     */
    default void downloaded(String serverUrl, long bytes) {
    }
}
