package dev.comfykit.client.media;

import dev.comfykit.client.internal.media.ContentTypes;

import dev.comfykit.client.ComfyKitConfig;
import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.MediaInput;
import dev.comfykit.client.MediaPolicy;
import dev.comfykit.client.ServerFile;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@link MediaPolicy} for values from untrusted sources. A text is, in this order:
 * <ul>
 * <li>a {@code data:} URI: decoded, never larger than the upload limit;</li>
 * <li>a URL ({@code scheme:...}): fetched only when it is http(s) and lies under an allowed prefix (same scheme,
 * host and port, path below the prefix's path, no user info), checked again for every redirect; otherwise
 * refused;</li>
 * <li>a local path (it has a path separator, starts with {@code .} or {@code ~}, or has a drive letter): uploaded only
 * when it is an absolute path to a regular file whose real location (after {@code ..} and symbolic links are
 * resolved) lies in an allowed directory; otherwise refused;</li>
 * <li>anything else: the name of a file on the server ({@link ServerFile}).</li>
 * </ul>
 * With nothing allowed (the default) only server file names and {@code data:} URIs pass.
 */
public final class UntrustedMediaPolicy implements MediaPolicy {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:.*", Pattern.DOTALL);
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:[\\\\/].*", Pattern.DOTALL);

    private final List<Path> directories;
    private final List<URI> urlPrefixes;
    private final long maxDataBytes;
    private final String directoriesOption;
    private final String urlsOption;

    private UntrustedMediaPolicy(Builder builder) {
        this.directories = List.copyOf(builder.directories);
        this.urlPrefixes = List.copyOf(builder.urlPrefixes);
        this.maxDataBytes = builder.maxDataBytes;
        this.directoriesOption = builder.directoriesOption;
        this.urlsOption = builder.urlsOption;
    }

    /** A builder; with nothing set it allows server file names and {@code data:} URIs only. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Object resolve(String param, String text) {
        String value = text == null ? "" : text.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            return dataUri(param, value);
        }
        if (DRIVE.matcher(value).matches()) {
            return localFile(param, value);
        }
        if (SCHEME.matcher(value).matches()) {
            return url(param, value);
        }
        if (looksLikePath(value)) {
            return localFile(param, value);
        }
        try {
            return new ServerFile(value);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException(param, "Media param '" + param + "': " + e.getMessage()
                    + " A message may name a file in the server's input folder, or send the file itself.");
        }
    }

    private static boolean looksLikePath(String value) {
        return value.indexOf('/') >= 0 || value.indexOf('\\') >= 0 || value.startsWith(".") || value.startsWith("~");
    }

    private Object localFile(String param, String value) {
        if (directories.isEmpty()) {
            throw refused(param, "is a local path, and message values may not read local files", directoriesOption
                    + " (the directories whose files a message may name)");
        }
        Path real;
        try {
            Path path = Path.of(value);
            if (!path.isAbsolute()) {
                throw refused(param, "is a relative path; give an absolute path inside " + directories,
                        directoriesOption);
            }
            real = path.toRealPath();
        } catch (InvalidPathException | IOException e) {
            throw refused(param, "does not name an existing file in " + directories, directoriesOption);
        }
        for (Path directory : directories) {
            if (real.startsWith(directory)) {
                if (!Files.isRegularFile(real)) {
                    throw refused(param, "is not a regular file", directoriesOption);
                }
                return real;
            }
        }
        throw refused(param, "lies outside the allowed directories " + directories
                + " (after resolving '..' and symbolic links)", directoriesOption);
    }

    private Object url(String param, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw refused(param, "is a malformed URL", urlsOption);
        }
        String reason = refusal(uri);
        if (reason != null) {
            throw refused(param, reason, urlsOption + " (the URL prefixes a message may name)");
        }
        return new RestrictedUrl(uri.normalize(), this::refusal);
    }

    /** Why a URL (the first one or a redirect) may not be fetched for a message, or {@code null}. */
    String refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "is a " + (scheme.isEmpty() ? "relative" : scheme + ":") + " URL; only http(s) URLs under allowed"
                    + " prefixes may come from a message";
        }
        if (urlPrefixes.isEmpty()) {
            return "is a URL, and message values may not make the application fetch URLs";
        }
        if (uri.getRawUserInfo() != null) {
            return "carries user info; such URLs are never fetched for a message";
        }
        for (URI prefix : urlPrefixes) {
            if (under(uri, prefix)) {
                return null;
            }
        }
        return "is not under an allowed URL prefix " + urlPrefixes;
    }

    private static boolean under(URI uri, URI prefix) {
        if (uri.getHost() == null || !uri.getScheme().equalsIgnoreCase(prefix.getScheme())
                || !uri.getHost().equalsIgnoreCase(prefix.getHost()) || port(uri) != port(prefix)) {
            return false;
        }
        String path = uri.normalize().getRawPath();
        String raw = path == null || path.isEmpty() ? "/" : path;
        if (raw.contains("/../") || raw.endsWith("/..") || raw.toLowerCase(Locale.ROOT).contains("%2e")
                || raw.toLowerCase(Locale.ROOT).contains("%2f")) {
            return false;
        }
        String base = prefix.getRawPath() == null || prefix.getRawPath().isEmpty() ? "/" : prefix.getRawPath();
        return raw.startsWith(base.endsWith("/") ? base : base + "/") || raw.equals(base);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private MediaInput dataUri(String param, String value) {
        int comma = value.indexOf(',');
        if (comma < 0) {
            throw new InvalidParameterException(param, "Media param '" + param + "': a data: URI needs a comma"
                    + " before its content (data:image/png;base64,...).");
        }
        String header = value.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw new InvalidParameterException(param, "Media param '" + param + "': only base64 data: URIs are"
                    + " accepted (data:image/png;base64,...).");
        }
        // Line breaks are tolerated (MIME style), anything else outside the alphabet is an error.
        String encoded = value.substring(comma + 1).replaceAll("\\s", "");
        if ((long) encoded.length() / 4 * 3 > maxDataBytes + 3) {
            throw new InvalidParameterException(param, "Media param '" + param + "': the data: URI holds more than"
                    + " the upload limit of " + maxDataBytes + " bytes (option maxUploadBytes).");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(param, "Media param '" + param + "': the data: URI is not valid"
                    + " base64 (" + e.getMessage() + ").");
        }
        if (bytes.length == 0) {
            throw new InvalidParameterException(param, "Media param '" + param + "': the data: URI is empty.");
        }
        if (bytes.length > maxDataBytes) {
            throw new InvalidParameterException(param, "Media param '" + param + "': the data: URI holds "
                    + bytes.length + " bytes, more than the upload limit of " + maxDataBytes
                    + " (option maxUploadBytes).");
        }
        String type = header.substring(0, header.length() - ";base64".length());
        String extension = ContentTypes.extensionOfType(type);
        return MediaInput.of(bytes, extension == null ? "" : param + "." + extension);
    }

    private static InvalidParameterException refused(String param, String reason, String option) {
        return new InvalidParameterException(param, "Media param '" + param + "': the value " + reason
                + ". Send the file itself (an upload or a byte body) or the name of a file in the server's input"
                + " folder; to accept this from messages, set " + option + ".");
    }

    /** Builds an {@link UntrustedMediaPolicy}. */
    public static final class Builder {
        private final List<Path> directories = new ArrayList<>();
        private final List<URI> urlPrefixes = new ArrayList<>();
        private long maxDataBytes = ComfyKitConfig.DEFAULT_MAX_UPLOAD_BYTES;
        private String directoriesOption = "allowedMediaDirectories";
        private String urlsOption = "allowedMediaUrls";

        private Builder() {
        }

        /**
         * Directories whose files a value may name by absolute path. Each must exist; it is resolved to its real
         * location, so a path that leaves it through {@code ..} or a symbolic link is refused.
         *
         * @throws IllegalArgumentException when a directory does not exist
         */
        public Builder allowedDirectories(Collection<Path> allowed) {
            for (Path directory : allowed) {
                try {
                    Path real = directory.toRealPath();
                    if (!Files.isDirectory(real)) {
                        throw new IllegalArgumentException(directory + " is not a directory");
                    }
                    directories.add(real);
                } catch (IOException e) {
                    throw new IllegalArgumentException("allowed media directory " + directory + " does not exist");
                }
            }
            return this;
        }

        /**
         * URL prefixes (e.g. {@code https://cdn.example.com/inputs/}) under which a value may name an http(s) URL.
         *
         * @throws IllegalArgumentException when a prefix is not an absolute http(s) URL with a host
         */
        public Builder allowedUrlPrefixes(Collection<String> prefixes) {
            for (String prefix : prefixes) {
                URI uri;
                try {
                    uri = new URI(prefix.trim());
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("allowed media URL prefix '" + prefix + "' is malformed: "
                            + e.getMessage());
                }
                if (uri.getScheme() == null || uri.getHost() == null
                        || !uri.getScheme().toLowerCase(Locale.ROOT).matches("https?") || uri.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("allowed media URL prefix '" + prefix + "' must be an http(s)"
                            + " URL with a host and no user info, e.g. https://cdn.example.com/inputs/");
                }
                urlPrefixes.add(uri.normalize());
            }
            return this;
        }

        /** The largest {@code data:} URI content, in bytes (default: the client's default upload limit). */
        public Builder maxDataBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxDataBytes must be positive");
            }
            this.maxDataBytes = maxBytes;
            return this;
        }

        /** The option names that messages refer to (an integration's own names for the two allow-lists). */
        public Builder optionNames(String directoriesOption, String urlsOption) {
            this.directoriesOption = directoriesOption;
            this.urlsOption = urlsOption;
            return this;
        }

        public UntrustedMediaPolicy build() {
            return new UntrustedMediaPolicy(this);
        }
    }
}
