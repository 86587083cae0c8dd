package dev.comfykit.client.internal.http;

import dev.comfykit.client.spi.TransferListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The transfer listeners of one client, told of every media upload and output download of its ComfyUI servers.
 * Registration is rare and reporting frequent, hence the copy-on-write list; a listener that throws is logged, never
 * allowed to fail a transfer.
 */
public final class TransferListeners {

    private static final Logger LOG = LoggerFactory.getLogger(TransferListeners.class);

    private final List<TransferListener> listeners = new CopyOnWriteArrayList<>();

    public void add(TransferListener listener) {
        listeners.add(listener);
    }

    public void remove(TransferListener listener) {
        listeners.remove(listener);
    }

    public void uploaded(String serverUrl, long bytes) {
        for (TransferListener listener : listeners) {
            try {
                listener.uploaded(serverUrl, bytes);
            } catch (RuntimeException e) {
                LOG.warn("Transfer listener {} failed on an upload; ignored", listener, e);
            }
        }
    }

    public void downloaded(String serverUrl, long bytes) {
        for (TransferListener listener : listeners) {
            try {
                listener.downloaded(serverUrl, bytes);
            } catch (RuntimeException e) {
                LOG.warn("Transfer listener {} failed on a download; ignored", listener, e);
            }
        }
    }

    /** A download's stream that reports the bytes read through it (nothing is buffered or copied). */
    public InputStream counting(String serverUrl, InputStream in) {
        if (listeners.isEmpty()) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    downloaded(serverUrl, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    downloaded(serverUrl, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // skipped bytes were still transferred by the server
                long skipped = super.skip(n);
                if (skipped > 0) {
                    downloaded(serverUrl, skipped);
                }
                return skipped;
            }
        };
    }
}
