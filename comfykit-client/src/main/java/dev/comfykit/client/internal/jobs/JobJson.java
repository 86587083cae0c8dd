package dev.comfykit.client.internal.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobStoreException;

import java.io.IOException;
import java.util.Map;

/** The JSON rules every job store applies, shared so that all stores accept and reject the same records. */
public final class JobJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private JobJson() {
    }

    /** Fails naming the field when one of the record's JSON fields is not exactly one JSON document. */
    public static void requireJsonFields(JobRecord job) {
        requireJson(job, "prompt", job.prompt());
        requireJson(job, "params", job.params());
        requireJson(job, "result", job.result());
        requireJson(job, "error", job.error());
    }

    /** The correlation map as a JSON object (sorted keys, as the record keeps them). */
    public static String correlationToJson(Map<String, String> correlation) {
        try {
            return MAPPER.writeValueAsString(correlation);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("cannot write correlation data as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads back what {@link #correlationToJson} wrote; null or empty text is no correlation. */
    public static Map<String, String> correlationFromJson(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("stored correlation data is not a JSON object of strings: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static void requireJson(JobRecord job, String field, String text) {
        if (text == null) {
            return;
        }
        // streaming, without building a tree: a prompt graph can be large and is checked on every write
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                throw notJson(job, field, "it is empty");
            }
            parser.skipChildren();
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw notJson(job, field, "more than one JSON value");
            }
        } catch (IOException e) {
            throw notJson(job, field, e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    private static JobStoreException notJson(JobRecord job, String field, String why) {
        return new JobStoreException("job " + job.jobId() + ": field '" + field + "' must hold one JSON document ("
                + why + "); write it with a JSON library, e.g. Jackson's ObjectMapper.writeValueAsString");
    }
}
