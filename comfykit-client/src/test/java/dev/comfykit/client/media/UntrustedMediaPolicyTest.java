package dev.comfykit.client.media;

import dev.comfykit.client.InvalidParameterException;
import dev.comfykit.client.MediaInput;
import dev.comfykit.client.MediaPolicy;
import dev.comfykit.client.ServerFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The policy for media text from untrusted sources: server file names by default, local files and URLs only where
 * allowed, and nothing that leaves an allowed place.
 */
class UntrustedMediaPolicyTest {

    private final MediaPolicy defaults = MediaPolicy.serverFilesOnly();

    @ParameterizedTest
    @ValueSource(strings = {"cat.png", "ComfyUI_00001_.png", "photo (1).jpg", "pom.xml"})
    void aPlainNameIsAFileOnTheServer(String name) {
        assertThat(defaults.resolve("image", name)).isEqualTo(new ServerFile(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "./cat.png", "../cat.png", "sub/cat.png", "sub\\cat.png", "~/cat.png",
            "C:\\Windows\\win.ini", "c:/x.png", "\\\\host\\share\\x.png"})
    void aLocalPathIsRefusedNamingTheDirectoriesOption(String path) {
        assertThatThrownBy(() -> defaults.resolve("image", path)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Media param 'image'").hasMessageContaining("local path")
                .hasMessageContaining("allowedMediaDirectories");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "https://example.com/cat.png",
            "HTTP://EXAMPLE.COM/x", "file:///etc/passwd", "ftp://example.com/x.png", "jar:file:/x!/y",
            "gopher://127.0.0.1:6379/_x"})
    void aUrlIsRefusedNamingTheUrlsOption(String url) {
        assertThatThrownBy(() -> defaults.resolve("image", url)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("allowedMediaUrls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "..", "a\u0000.png", "a\n.png"})
    void aNameThatIsNotAPlainFileNameIsRefused(String name) {
        assertThatThrownBy(() -> defaults.resolve("image", name)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Media param 'image'");
    }

    @Test
    void aBase64DataUriIsDecodedWithinTheLimit() throws Exception {
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        Object value = defaults.resolve("image", "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes));
        assertThat(value).isInstanceOf(MediaInput.class);
        assertThat(((MediaInput) value).read(100)).isEqualTo(bytes);
        assertThat(((MediaInput) value).filename()).isEqualTo("image.png");

        MediaPolicy small = MediaPolicy.untrusted().maxDataBytes(4).build();
        assertThatThrownBy(() -> small.resolve("image", "data:image/png;base64,"
                + Base64.getEncoder().encodeToString(new byte[64]))).hasMessageContaining("upload limit of 4");
        assertThatThrownBy(() -> defaults.resolve("image", "data:text/plain,hello"))
                .hasMessageContaining("only base64");
        assertThatThrownBy(() -> defaults.resolve("image", "data:image/png;base64,@@@"))
                .hasMessageContaining("not valid base64");
    }

    @Test
    void aFileInAnAllowedDirectoryIsAllowedByItsRealPath(@TempDir Path root) throws Exception {
        Path allowed = Files.createDirectories(root.resolve("inputs"));
        Path inside = Files.writeString(allowed.resolve("cat.png"), "png");
        Path secret = Files.writeString(root.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(allowed.resolve("link.png"), secret);
        MediaPolicy policy = MediaPolicy.untrusted().allowedDirectories(List.of(allowed)).build();

        assertThat(policy.resolve("image", inside.toString())).isEqualTo(inside.toRealPath());
        assertThatThrownBy(() -> policy.resolve("image", allowed + "/../secret.txt"))
                .hasMessageContaining("outside the allowed directories");
        assertThatThrownBy(() -> policy.resolve("image", allowed.resolve("link.png").toString()))
                .hasMessageContaining("outside the allowed directories");
        assertThatThrownBy(() -> policy.resolve("image", allowed.resolve("missing.png").toString()))
                .hasMessageContaining("does not name an existing file");
        assertThatThrownBy(() -> policy.resolve("image", "inputs/cat.png")).hasMessageContaining("relative path");
        assertThatThrownBy(() -> policy.resolve("image", allowed.toString())).hasMessageContaining("not a regular file");
    }

    @Test
    void anAllowedDirectoryMustExist() {
        assertThatThrownBy(() -> MediaPolicy.untrusted().allowedDirectories(List.of(Path.of("/no/such/dir"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/dir does not exist");
    }

    @Test
    void aUrlUnderAnAllowedPrefixIsAllowedWithItsRedirectRule() {
        MediaPolicy policy = MediaPolicy.untrusted().allowedUrlPrefixes(List.of("https://cdn.example.com/in/"))
                .build();

        Object value = policy.resolve("image", "https://cdn.example.com/in/cat.png");
        assertThat(value).isInstanceOf(RestrictedUrl.class);
        RestrictedUrl url = (RestrictedUrl) value;
        assertThat(url.uri()).isEqualTo(URI.create("https://cdn.example.com/in/cat.png"));
        assertThat(url.rule().apply(URI.create("https://cdn.example.com:443/in/a/b.png"))).isNull();
        assertThat(url.rule().apply(URI.create("https://cdn.example.com/other/x.png")))
                .contains("not under an allowed URL prefix");
        assertThat(url.rule().apply(URI.create("http://169.254.169.254/"))).contains("not under an allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cdn.example.com.evil.com/in/x.png", "https://cdn.example.com@evil.com/in/x.png",
            "https://user:pw@cdn.example.com/in/x.png", "http://cdn.example.com/in/x.png",
            "https://cdn.example.com:8443/in/x.png", "https://cdn.example.com/in/../private/x.png",
            "https://cdn.example.com/in/%2e%2e/private/x.png", "https://cdn.example.com/inside/x.png",
            "https://cdn.example.com/in"})
    void aUrlThatOnlyLooksLikeItIsUnderThePrefixIsRefused(String url) {
        MediaPolicy policy = MediaPolicy.untrusted().allowedUrlPrefixes(List.of("https://cdn.example.com/in/"))
                .build();
        assertThatThrownBy(() -> policy.resolve("image", url)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("allowedMediaUrls");
    }

    @Test
    void aPrefixMustBeAnHttpUrlWithAHost() {
        assertThatThrownBy(() -> MediaPolicy.untrusted().allowedUrlPrefixes(List.of("file:///srv/")))
                .hasMessageContaining("must be an http(s) URL");
        assertThatThrownBy(() -> MediaPolicy.untrusted().allowedUrlPrefixes(List.of("https://u:p@cdn/")))
                .hasMessageContaining("no user info");
    }

    @Test
    void errorsNameTheIntegrationsOwnOptions() {
        MediaPolicy policy = MediaPolicy.untrusted().optionNames("media.dirs", "media.urls").build();
        assertThatThrownBy(() -> policy.resolve("image", "/etc/passwd")).hasMessageContaining("media.dirs");
        assertThatThrownBy(() -> policy.resolve("image", "https://x.example/")).hasMessageContaining("media.urls");
    }
}
