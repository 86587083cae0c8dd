package dev.comfykit.jobstore.jdbc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The component docs show the PostgreSQL schema that the store runs, line for line. */
class SchemaDocumentedTest {

    @Test
    void theComponentDocsShowThePostgresqlSchemaAsShipped() throws IOException {
        String schema;
        try (InputStream in = JdbcJobStore.class.getClassLoader()
                .getResourceAsStream(JdbcDialect.POSTGRESQL.schemaResource())) {
            assertThat(in).as(JdbcDialect.POSTGRESQL.schemaResource()).isNotNull();
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        String docs = Files.readString(Path.of("../camel-comfykit/src/main/docs/comfykit-component.adoc"),
                StandardCharsets.UTF_8);

        assertThat(docs).as("the Schema part of the Job stores section of comfykit-component.adoc")
                .contains("[source,sql]\n----\n" + schema + "\n----");
    }
}
