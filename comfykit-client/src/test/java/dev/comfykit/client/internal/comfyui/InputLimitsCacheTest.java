package dev.comfykit.client.internal.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfykit.client.internal.http.UnexpectedResponseException;
import dev.comfykit.client.internal.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** One fetch per node class, shared by concurrent callers, kept for a while, never a failed job. */
class InputLimitsCacheTest {

    private final AtomicLong clock = new AtomicLong();
    private final List<String> asked = new ArrayList<>();
    private final List<CompletableFuture<JsonNode>> answers = new ArrayList<>();

    private InputLimitsCache cache(int maxClasses) {
        return new InputLimitsCache(classType -> {
            asked.add(classType);
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }, maxClasses, Duration.ofMinutes(10), Duration.ofMinutes(1), clock::get);
    }

    private static JsonNode steps(String classType, int max) throws Exception {
        return Json.mapper().readTree("{\"" + classType + "\": {\"input\": {\"required\": {\"steps\": [\"INT\","
                + " {\"min\": 1, \"max\": " + max + "}]}}}}");
    }

    @Test
    void concurrentCallersShareTheOneFetchInFlight() throws Exception {
        InputLimitsCache cache = cache(10);

        CompletableFuture<InputLimits> first = cache.get("KSampler");
        CompletableFuture<InputLimits> second = cache.get("KSampler");
        assertThat(first).isNotDone();
        answers.get(0).complete(steps("KSampler", 10000));

        assertThat(asked).containsExactly("KSampler");
        assertThat(first.join()).isSameAs(second.join());
        assertThat(cache.get("KSampler").join().of("steps").max()).isEqualByComparingTo("10000");
        assertThat(asked).hasSize(1);
    }

    @Test
    void anAnswerIsUsedForItsMaxAgeThenAskedAgain() throws Exception {
        InputLimitsCache cache = cache(10);
        cache.get("KSampler");
        answers.get(0).complete(steps("KSampler", 100));

        clock.addAndGet(Duration.ofMinutes(9).toNanos());
        cache.get("KSampler");
        assertThat(asked).hasSize(1);

        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        CompletableFuture<InputLimits> refreshed = cache.get("KSampler");
        answers.get(1).complete(steps("KSampler", 200));
        assertThat(asked).hasSize(2);
        assertThat(refreshed.join().of("steps").max()).isEqualByComparingTo("200");
    }

    @Test
    void aFailedFetchMeansNoLimitsAndIsRetriedOnlyAfterAWhile() {
        InputLimitsCache cache = cache(10);
        CompletableFuture<InputLimits> first = cache.get("KSampler");
        answers.get(0).completeExceptionally(new UnexpectedResponseException("GET /object_info/KSampler", 404,
                new byte[0]));

        assertThat(first.join().isEmpty()).isTrue();
        assertThat(cache.get("KSampler").join().isEmpty()).isTrue();
        assertThat(asked).hasSize(1);

        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        cache.get("KSampler");
        assertThat(asked).hasSize(2);
    }

    @Test
    void anAnswerThatCannotBeReadStillCompletesWithoutLimits() {
        InputLimitsCache cache = cache(10);
        CompletableFuture<InputLimits> limits = cache.get("KSampler");
        answers.get(0).complete(null);

        assertThat(limits.join().isEmpty()).isTrue();
    }

    @Test
    void atMostMaxClassesAreKeptAndClearForgetsAll() throws Exception {
        InputLimitsCache cache = cache(2);
        for (String c : List.of("A", "B", "C")) {
            cache.get(c);
            answers.get(answers.size() - 1).complete(steps(c, 5));
        }
        cache.get("C");
        assertThat(asked).containsExactly("A", "B", "C");

        cache.clear();
        cache.get("C");
        assertThat(asked).containsExactly("A", "B", "C", "C");
    }

    private static JsonNode fullAnswer(int... maxima) throws Exception {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < maxima.length; i++) {
            json.append(i == 0 ? "" : ",").append("\"Class").append(i).append("\": {\"input\": {\"required\":"
                    + " {\"steps\": [\"INT\", {\"min\": 1, \"max\": ").append(maxima[i]).append("}]}}}");
        }
        return Json.mapper().readTree(json.append('}').toString());
    }

    @Test
    void aSeededFullAnswerServesItsClassesWithoutAskingForThemOneByOne() throws Exception {
        InputLimitsCache cache = cache(10);

        cache.seed(fullAnswer(10, 20));

        assertThat(cache.get("Class0").join().of("steps").max()).isEqualByComparingTo("10");
        assertThat(cache.get("Class1").join().of("steps").max()).isEqualByComparingTo("20");
        assertThat(asked).isEmpty();
        // a class the answer does not have is still asked for on first use
        cache.get("Other");
        assertThat(asked).containsExactly("Other");
        // the seeded answers age like fetched ones
        clock.addAndGet(Duration.ofMinutes(11).toNanos());
        cache.get("Class0");
        assertThat(asked).containsExactly("Other", "Class0");
    }

    @Test
    void seedingRefreshesKnownClassesFirstAndStopsAtTheCap() throws Exception {
        InputLimitsCache cache = cache(2);
        cache.get("Class2");
        answers.get(0).complete(fullAnswer(1, 1, 5));

        cache.seed(fullAnswer(10, 20, 30));

        // Class2 was known: refreshed from the seed; one more class fits; the third is asked for when used
        assertThat(cache.get("Class2").join().of("steps").max()).isEqualByComparingTo("30");
        assertThat(cache.get("Class0").join().of("steps").max()).isEqualByComparingTo("10");
        assertThat(asked).containsExactly("Class2");
        cache.get("Class1");
        assertThat(asked).containsExactly("Class2", "Class1");
    }
}
