package dev.comfykit.emulator.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * ComfyUI's three file areas under one data directory: {@code input/} (uploads, LoadImage), {@code output/}
 * (SaveImage and friends) and {@code temp/} (PreviewImage; emptied on restart).
 */
public final class DataDirectories {

    /** A file name with ComfyUI's optional {@code " [input]"}, {@code " [output]"} or {@code " [temp]"} suffix. */
    public record Annotated(String name, Path base) {
    }

    private final Path root;
    private final Path input;
    private final Path output;
    private final Path temp;

    public DataDirectories(Path root) {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
            this.input = Files.createDirectories(this.root.resolve("input"));
            this.output = Files.createDirectories(this.root.resolve("output"));
            this.temp = Files.createDirectories(this.root.resolve("temp"));
            ExampleImage.provide(this.input);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the emulator's data directory " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path input() {
        return input;
    }

    public Path output() {
        return output;
    }

    public Path temp() {
        return temp;
    }

    /** The folder of a {@code type} parameter, or null for anything but input, output and temp. */
    public Path byType(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "input" -> input;
            case "output" -> output;
            case "temp" -> temp;
            default -> null;
        };
    }

    /** ComfyUI's {@code annotated_filepath}: strips the suffix (and the space before it). */
    public Annotated annotated(String name) {
        if (name.endsWith("[output]")) {
            return new Annotated(cut(name, 9), output);
        }
        if (name.endsWith("[input]")) {
            return new Annotated(cut(name, 8), input);
        }
        if (name.endsWith("[temp]")) {
            return new Annotated(cut(name, 7), temp);
        }
        return new Annotated(name, null);
    }

    private static String cut(String name, int n) {
        return name.length() >= n ? name.substring(0, name.length() - n) : "";
    }

    /**
     * Where a LoadImage-style value points: {@code name}, {@code sub/name} or an annotated name, relative to
     * the input folder by default. Returns null for a path that would leave the data directory.
     */
    public Path resolveAnnotated(String value) {
        Annotated a = annotated(value);
        Path base = a.base() == null ? input : a.base();
        Path file = base.resolve(a.name()).normalize();
        return file.startsWith(root) ? file : null;
    }

    public boolean existsAnnotated(String value) {
        Path file = resolveAnnotated(value);
        return file != null && Files.exists(file);
    }

    /** Image files at the top level of the input folder, sorted: LoadImage's combo list. */
    public List<String> inputImages() {
        try (Stream<Path> files = Files.list(input)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(MimeTypes::isImage)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A restart empties the temp folder, as ComfyUI does on start. */
    public void clearTemp() {
        try (Stream<Path> files = Files.walk(temp)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(temp)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort, like the real server
                }
            });
        } catch (IOException ignored) {
            // nothing to clear
        }
    }

    /** Deletes the whole data directory (used for the throw-away default directory). */
    public void deleteAll() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
