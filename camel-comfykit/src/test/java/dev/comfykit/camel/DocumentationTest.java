package dev.comfykit.camel;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component documentation lists every option and header of the generated metadata, and every operation, so the
 * documentation cannot fall behind the code; and its tables are well formed, so an edit cannot leave stale rows or
 * a table that swallows the rest of the page.
 */
class DocumentationTest {

    private static final String TABLE_DELIMITER = "|===";
    /** An option row: {@code | *name* (group) | description | default | type}. */
    private static final Pattern OPTION_ROW = Pattern.compile("^\\| \\*([^*]+)\\* ");

    private static String doc;
    private static JsonNode model;

    @BeforeAll
    static void read() throws Exception {
        doc = Files.readString(Path.of("src/main/docs/comfykit-component.adoc"), StandardCharsets.UTF_8);
        try (InputStream in = DocumentationTest.class.getResourceAsStream("/META-INF/dev/comfykit/camel/comfykit.json")) {
            model = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyOptionHeaderAndOperationIsDocumented() {
        List<String> names = new ArrayList<>();
        names.addAll(names(model.get("componentProperties")));
        names.addAll(names(model.get("properties")));
        names.addAll(names(model.get("headers")));

        assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(doc).contains("*" + name + "*"));
        for (ComfyKitOperation operation : ComfyKitOperation.values()) {
            assertThat(doc).contains("| `" + operation.name() + "`");
        }
        for (JsonNode property : model.get("properties")) {
            assertThat(doc).as("description of %s", property).contains(property.path("description").asText());
        }
    }

    @Test
    void everyTableIsClosedAndNoHeadingFallsInsideOne() {
        List<String> lines = doc.lines().toList();
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals(TABLE_DELIMITER)) {
                inTable = !inTable;
            } else if (inTable) {
                assertThat(line).as("line %d is inside a table: a stray %s opened it", i + 1, TABLE_DELIMITER)
                        .doesNotStartWith("=").doesNotStartWith("// ");
            }
        }
        assertThat(inTable).as("the last table is never closed (an odd number of %s)", TABLE_DELIMITER).isFalse();
    }

    @Test
    void theComponentOptionsTableListsEachComponentOptionOnce() {
        // exactly the generated names, each once: a missing, repeated or stale row fails
        assertThat(optionRows("component options")).containsExactlyInAnyOrderElementsOf(
                names(model.get("componentProperties")));
    }

    @Test
    void theEndpointOptionsTablesListEachEndpointOptionOnce() {
        assertThat(optionRows("endpoint options")).containsExactlyInAnyOrderElementsOf(names(model.get("properties")));
    }

    @Test
    void theHeaderGivesTheProjectsFirstVersionAndDefaultsAreWrittenAsInURIs() {
        assertThat(doc).contains(":since: " + model.get("component").get("firstVersion").asText() + "\n")
                .doesNotContain("Since Camel {since}");
        assertThat(doc).doesNotContain("| True |", "| False |", "`True`", "`False`");
        assertThat(doc).contains("*Since camel-comfykit {since}*");
    }

    @Test
    void theCamelRunLineNamesTheComponentsCoordinates() {
        JsonNode component = model.get("component");
        assertThat(doc).contains("camel run ").contains("--dep " + component.get("groupId").asText() + ":"
                + component.get("artifactId").asText() + ":" + component.get("version").asText());
    }

        private static List<String> names(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The option names of the rows between {@code // NAME: START} and {@code // NAME: END}, which must hold only
     * whole tables.
     */
    private static List<String> optionRows(String section) {
        String start = "// " + section + ": START";
        String end = "// " + section + ": END";
        assertThat(doc).contains(start, end);
        List<String> lines = doc.substring(doc.indexOf(start), doc.indexOf(end)).lines().toList();
        assertThat(lines.stream().filter(TABLE_DELIMITER::equals).count())
                .as("%s delimiters in the %s section (an odd count leaves a table open)", TABLE_DELIMITER, section)
                .isEven();
        List<String> names = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines) {
            Matcher row = OPTION_ROW.matcher(line);
            if (line.equals(TABLE_DELIMITER)) {
                inTable = !inTable;
            } else if (row.find()) {
                assertThat(inTable).as("row of %s outside a table in the %s section", row.group(1), section).isTrue();
                names.add(row.group(1));
            }
        }
        return names;
    }
}
