package dev.comfykit.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes the tests of this module run are the docs' routes: every block between {@code // docs:begin FILE} and
 * {@code // docs:end} in this module's test sources appears in FILE (relative to the repository root) line for line,
 * indentation and blank lines aside. Change a route in the docs and this fails until the test runs the new text.
 */
class DocsVerbatimTest {

    private static final String BEGIN = "// docs:begin ";
    private static final String END = "// docs:end";

    private static final Path ROOT = Path.of(System.getProperty("docs.dir", "..")).toAbsolutePath().normalize();
    private static final Path TESTS = Path.of(System.getProperty("tests.dir",
            ROOT.resolve("camel-comfykit-readme-tests/src/test/java").toString()));

    record Block(Path source, String doc, String text) {
    }

    @Test
    void everyTestedRouteIsWordForWordInItsDocument() throws IOException {
        List<Block> blocks = blocks();

        assertThat(blocks).extracting(Block::doc).contains("README.md",
                "camel-comfykit/src/main/docs/comfykit-component.adoc");
        for (Block block : blocks) {
            String doc = normalized(Files.readString(ROOT.resolve(block.doc()), StandardCharsets.UTF_8));
            assertThat(doc).as("%s: a route of %s", block.source().getFileName(), block.doc())
                    .contains(block.text());
        }
    }

    private static List<Block> blocks() throws IOException {
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(TESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                String doc = null;
                List<String> text = new ArrayList<>();
                for (String line : lines) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith(BEGIN) && !trimmed.contains("\"")) {
                        doc = trimmed.substring(BEGIN.length()).strip();
                        text.clear();
                    } else if (trimmed.equals(END) && doc != null) {
                        blocks.add(new Block(file, doc, normalized(String.join("\n", text))));
                        doc = null;
                    } else if (doc != null) {
                        text.add(line);
                    }
                }
            }
        }
        return blocks;
    }

    /** Lines without their indentation and trailing spaces, blank lines dropped. */
    private static String normalized(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
