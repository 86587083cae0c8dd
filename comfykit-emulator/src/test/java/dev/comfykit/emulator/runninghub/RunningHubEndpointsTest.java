package dev.comfykit.emulator.runninghub;

import static dev.comfykit.emulator.support.RunningHubClient.nodeInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import dev.comfykit.emulator.RunningHubEmulation;
import dev.comfykit.emulator.SampleWorkflows;
import dev.comfykit.emulator.support.Client;
import dev.comfykit.emulator.support.RunningHubClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RunningHub v1 endpoints one by one: envelopes, shapes and codes (runninghub-api.md §3.1, §4), on the same port
 * as ComfyUI's routes.
 */
class RunningHubEndpointsTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    private RunningHubClient rh;

    @BeforeEach
    void setUp() {
        rh = new RunningHubClient(comfy.emulator().runningHubUrl(), RunningHubEmulation.DEFAULT_API_KEY);
    }

    private static JsonNode parse(String json) {
        return Client.json(json);
    }

    private static void assertError(JsonNode answer, int code, String msg) {
        assertThat(answer.get("code").asInt()).as(answer.toString()).isEqualTo(code);
        assertThat(answer.get("msg").asText()).isEqualTo(msg);
        assertThat(answer.get("data").isNull()).as(answer.toString()).isTrue();
        assertThat(answer.fieldNames()).toIterable().containsExactly("code", "msg", "data");
    }

    @Test
    void theEmulationIsServedOnTheEmulatorsOwnPort() {
        assertThat(comfy.emulator().runningHubUrl()).isEqualTo(comfy.baseUrl());
        assertThat(comfy.emulator().runningHub().baseUrl()).isEqualTo(comfy.baseUrl());
    }

    @Test
    void getJsonApiFormatReturnsTheWorkflowAsAJsonString() {
        Client.Response r = rh.http().post("/api/openapi/getJsonApiFormat",
                rh.body().put("workflowId", RunningHubEmulation.T2I_WORKFLOW_ID).toString());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json");
        JsonNode answer = r.json();
        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("msg").asText()).isEqualTo("SUCCESS");
        JsonNode prompt = answer.get("data").get("prompt");
        assertThat(prompt.isTextual()).as("data.prompt is a JSON string").isTrue();
        assertThat(parse(prompt.asText())).isEqualTo(parse(SampleWorkflows.json(SampleWorkflows.T2I)));
        assertThat(parse(prompt.asText()).get("6").get("_meta").get("title").asText()).isEqualTo("$prompt.text!");
    }

    @Test
    void everyPreloadedSampleHasAnId() {
        String[][] samples = {{RunningHubEmulation.TEXT_WORKFLOW_ID, SampleWorkflows.TEXT},
                {RunningHubEmulation.IMAGE_INVERT_WORKFLOW_ID, SampleWorkflows.IMAGE_INVERT},
                {RunningHubEmulation.AUDIO_WORKFLOW_ID, SampleWorkflows.AUDIO},
                {RunningHubEmulation.VIDEO_WORKFLOW_ID, SampleWorkflows.VIDEO}};
        for (String[] sample : samples) {
            JsonNode answer = rh.call("/api/openapi/getJsonApiFormat", rh.body().put("workflowId", sample[0]));
            assertThat(parse(answer.get("data").get("prompt").asText())).as(sample[1])
                    .isEqualTo(parse(SampleWorkflows.json(sample[1])));
        }
    }

    @Test
    void anUnknownWorkflowIs380AndKeysAreChecked() {
        assertError(rh.call("/api/openapi/getJsonApiFormat", rh.body().put("workflowId", "1111111111111111111")),
                380, "WORKFLOW_NOT_EXISTS");
        assertError(rh.call("/api/openapi/getJsonApiFormat", "{\"apiKey\": \"nope\", \"workflowId\": \"1987654321\"}"),
                802, "APIKEY_UNAUTHORIZED");
        assertError(rh.call("/api/openapi/getJsonApiFormat", "{\"workflowId\": \"1987654321\"}"),
                802, "APIKEY_UNAUTHORIZED");
        assertError(rh.call("/api/openapi/getJsonApiFormat", "{\"apiKey\": \"" + RunningHubEmulation.OTHER_SITE_API_KEY
                + "\", \"workflowId\": \"1987654321\"}"), 806, "APIKEY_USER_NOT_FOUND");
    }

    @Test
    void registeredKeysAndWorkflowsAreKnown() {
        comfy.emulator().runningHub().addApiKey("second-key-0000000000000000000000")
                .addOtherSiteKey("cn-key-000000000000000000000000000")
                .registerWorkflow("1900000000000000001", """
                        {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}, "_meta": {"title": "$n.value"}},
                         "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
                        """);
        RunningHubClient second = new RunningHubClient(comfy.baseUrl(), "second-key-0000000000000000000000");
        JsonNode answer = second.call("/api/openapi/getJsonApiFormat", second.body().put("workflowId", "1900000000000000001"));
        assertThat(parse(answer.get("data").get("prompt").asText()).get("1").get("inputs").get("value").asInt()).isEqualTo(7);
        RunningHubClient cn = new RunningHubClient(comfy.baseUrl(), "cn-key-000000000000000000000000000");
        assertError(cn.create("1900000000000000001", null), 806, "APIKEY_USER_NOT_FOUND");
    }

    @Test
    void createAnswersWithATaskIdAsStringAndPromptTipsAsAJsonString() {
        JsonNode answer = rh.create(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo("1", "value", "Hi"));

        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("msg").asText()).isEqualTo("success");
        JsonNode data = answer.get("data");
        assertThat(data.fieldNames()).toIterable()
                .containsExactly("netWssUrl", "taskId", "clientId", "taskStatus", "promptTips");
        assertThat(data.get("netWssUrl").isNull()).isTrue();
        assertThat(data.get("taskId").isTextual()).isTrue();
        assertThat(data.get("taskId").asText()).matches("[1-9][0-9]{18}");
        assertThat(data.get("clientId").asText()).matches("[0-9a-f]{32}");
        assertThat(data.get("taskStatus").asText()).isEqualTo("QUEUED");
        assertThat(data.get("promptTips").isTextual()).as("promptTips is a JSON string").isTrue();
        JsonNode tips = parse(data.get("promptTips").asText());
        assertThat(tips.fieldNames()).toIterable().containsExactly("result", "error", "outputs_to_execute", "node_errors");
        assertThat(tips.get("result").asBoolean()).isTrue();
        assertThat(tips.get("error").isNull()).isTrue();
        assertThat(tips.get("outputs_to_execute")).containsExactly(Client.MAPPER.valueToTree("3"));
        assertThat(tips.get("node_errors")).isEmpty();

        String taskId = data.get("taskId").asText();
        String promptId = comfy.emulator().runningHub().promptIdOf(taskId);
        assertThat(promptId).as("the task runs as a ComfyUI prompt with an id of its own").isNotNull().isNotEqualTo(taskId);
        assertThat(rh.awaitEnd(taskId)).isEqualTo("SUCCESS");
        JsonNode history = rh.http().awaitHistory(promptId);
        assertThat(history.get("outputs").get("3").get("text").get(0).asText()).isEqualTo("Hi, from ComfyKit");
        assertThat(history.get("prompt").get(3).has("client_id")).as("no client id, like a plain POST /prompt").isFalse();
    }

    @Test
    void successfulOutputsAreFilesOnTheCdnOnePerFile() throws Exception {
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, nodeInfo(1, "value", "Hello"));
        rh.awaitEnd(taskId);

        JsonNode answer = rh.outputs(taskId);

        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("msg").asText()).isEqualTo("success");
        assertThat(answer.get("data")).hasSize(1);
        JsonNode item = answer.get("data").get(0);
        assertThat(item.fieldNames()).toIterable().containsExactly("fileUrl", "fileType", "nodeId", "taskCostTime",
                "consumeCoins", "consumeMoney", "thirdPartyConsumeMoney");
        assertThat(item.get("fileType").asText()).isEqualTo("txt");
        assertThat(item.get("nodeId").asText()).isEqualTo("3");
        assertThat(item.get("taskCostTime").isTextual()).isTrue();
        assertThat(item.get("taskCostTime").asText()).matches("[0-9]+");
        assertThat(item.get("consumeCoins").asText()).isEqualTo("1");
        assertThat(item.get("consumeMoney").isNull()).isTrue();
        assertThat(item.get("thirdPartyConsumeMoney").isNull()).isTrue();
        String url = item.get("fileUrl").asText();
        assertThat(url).startsWith(comfy.baseUrl() + "/rh-cdn/" + taskId + "/").endsWith(".txt");

        Client.Response file = new Client("").get(url);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.text()).isEqualTo("Hello, from ComfyKit");
    }

    @Test
    void imageOutputsAreTheSavedFilesAndOverridesAreCoercedAsComfyUiDoes() throws Exception {
        String taskId = rh.createTask(RunningHubEmulation.T2I_WORKFLOW_ID, nodeInfo(
                6, "text", "a red fox", "3", "seed", "42", "5", "width", 64, "5", "height", "48"));
        assertThat(rh.awaitEnd(taskId)).isEqualTo("SUCCESS");

        JsonNode items = rh.outputs(taskId).get("data");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("fileType").asText()).isEqualTo("png");
        assertThat(items.get(0).get("nodeId").asText()).isEqualTo("9");
        Client.Response png = new Client("").get(items.get(0).get("fileUrl").asText());
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(png.body()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.body()).isEqualTo(Files.readAllBytes(comfy.emulator().outputDirectory()
                .resolve(items.get(0).get("fileUrl").asText().replaceAll(".*/", ""))));

        JsonNode prompt = rh.http().awaitHistory(comfy.emulator().runningHub().promptIdOf(taskId)).get("prompt").get(2);
        assertThat(prompt.get("3").get("inputs").get("seed").isIntegralNumber()).as("\"42\" for an INT").isTrue();
        assertThat(prompt.get("3").get("inputs").get("seed").asLong()).isEqualTo(42);
        assertThat(prompt.get("6").get("inputs").get("text").asText()).isEqualTo("a red fox");
    }

    @Test
    void audioAndVideoOutputsKeepTheirExtensions() {
        String audio = rh.createTask(RunningHubEmulation.AUDIO_WORKFLOW_ID, nodeInfo("1", "seconds", 0.1));
        String video = rh.createTask(RunningHubEmulation.VIDEO_WORKFLOW_ID, nodeInfo("5", "batch_size", 2,
                "5", "width", 32, "5", "height", 32));
        rh.awaitEnd(audio);
        rh.awaitEnd(video);

        assertThat(rh.outputs(audio).get("data")).extracting(i -> i.get("fileType").asText()).containsExactly("wav");
        assertThat(rh.outputs(video).get("data")).extracting(i -> i.get("fileType").asText()).contains("gif");
        for (JsonNode item : rh.outputs(video).get("data")) {
            assertThat(new Client("").get(item.get("fileUrl").asText()).status()).isEqualTo(200);
        }
    }

    @Test
    void invalidNodeInfoIs803() {
        long created = comfy.emulator().runningHub().tasksCreated();
        String t2i = RunningHubEmulation.T2I_WORKFLOW_ID;
        assertError(rh.create(t2i, nodeInfo("99", "text", "x")), 803, "APIKEY_INVALID_NODE_INFO");
        assertError(rh.create(t2i, nodeInfo("6", "prompt", "x")), 803, "APIKEY_INVALID_NODE_INFO");
        assertError(rh.create(t2i, nodeInfo("6", "clip", "x")), 803, "APIKEY_INVALID_NODE_INFO");
        assertError(rh.call("/task/openapi/create", rh.body().put("workflowId", t2i)
                .set("nodeInfoList", parse("[{\"nodeId\": \"6\", \"fieldName\": \"text\"}]"))), 803,
                "APIKEY_INVALID_NODE_INFO");
        assertThat(comfy.emulator().runningHub().tasksCreated()).as("nothing was created").isEqualTo(created);
    }

    @Test
    void aWorkflowComfyUiRejectsIs433WithTheValidationInPromptTips() {
        JsonNode answer = rh.create(RunningHubEmulation.T2I_WORKFLOW_ID, nodeInfo("5", "width", "wide"));

        assertThat(answer.get("code").asInt()).isEqualTo(433);
        assertThat(answer.get("msg").asText()).isEqualTo("VALIDATE_PROMPT_FAILED");
        JsonNode tips = parse(answer.get("data").get("promptTips").asText());
        assertThat(tips.get("result").asBoolean()).isFalse();
        assertThat(tips.get("error").get("type").asText()).isEqualTo("prompt_outputs_failed_validation");
        assertThat(tips.get("node_errors").get("5").get("errors").get(0).get("type").asText())
                .isEqualTo("invalid_input_type");
    }

    @Test
    void theInstanceTypeMayBeDefaultOrPlus() {
        ObjectNode plus = rh.body().put("workflowId", RunningHubEmulation.TEXT_WORKFLOW_ID).put("instanceType", "plus");
        assertThat(rh.call("/task/openapi/create", plus).get("code").asInt()).isZero();
        ObjectNode ultra = rh.body().put("workflowId", RunningHubEmulation.TEXT_WORKFLOW_ID).put("instanceType", "ultra");
        assertThat(rh.call("/task/openapi/create", ultra).get("code").asInt()).isEqualTo(301);
        assertThat(rh.call("/task/openapi/create", rh.body()).get("code").asInt()).as("no workflowId").isEqualTo(301);
    }

    @Test
    void theWorkflowFieldOverridesTheStoredWorkflow() {
        ObjectNode body = rh.body().put("workflowId", RunningHubEmulation.T2I_WORKFLOW_ID).put("workflow", """
                {"1": {"class_type": "PrimitiveString", "inputs": {"value": "inline"}},
                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");
        String taskId = rh.call("/task/openapi/create", body).get("data").get("taskId").asText();
        rh.awaitEnd(taskId);
        JsonNode item = rh.outputs(taskId).get("data").get(0);
        assertThat(new Client("").get(item.get("fileUrl").asText()).text()).isEqualTo("inline");
    }

    @Test
    void anAiAppRunsWithItsWebappIdAsNumberOrString() {
        ObjectNode asNumber = rh.body();
        asNumber.put("webappId", Long.parseLong(RunningHubEmulation.T2I_APP_ID));
        asNumber.set("nodeInfoList", nodeInfo("6", "text", "an app", "5", "width", 64, "5", "height", 64));
        JsonNode answer = rh.call("/task/openapi/ai-app/run", asNumber);
        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("data").get("taskStatus").asText()).isEqualTo("QUEUED");
        assertThat(parse(answer.get("data").get("promptTips").asText()).get("result").asBoolean()).isTrue();
        String taskId = answer.get("data").get("taskId").asText();

        ObjectNode asString = rh.body().put("webappId", RunningHubEmulation.T2I_APP_ID);
        asString.set("nodeInfoList", nodeInfo("5", "width", 64, "5", "height", 64));
        assertThat(rh.call("/task/openapi/ai-app/run", asString).get("code").asInt()).isZero();

        assertThat(rh.awaitEnd(taskId)).isEqualTo("SUCCESS");
        assertThat(rh.outputs(taskId).get("data").get(0).get("fileType").asText()).isEqualTo("png");

        ObjectNode unknown = rh.body().put("webappId", 1L);
        unknown.putArray("nodeInfoList");
        assertError(rh.call("/task/openapi/ai-app/run", unknown), 901, "WEBAPP_NOT_EXISTS");
        ObjectNode withoutList = rh.body().put("webappId", RunningHubEmulation.T2I_APP_ID);
        assertThat(rh.call("/task/openapi/ai-app/run", withoutList).get("code").asInt()).isEqualTo(301);
        ObjectNode badNode = rh.body().put("webappId", RunningHubEmulation.T2I_APP_ID);
        badNode.set("nodeInfoList", nodeInfo("52", "prompt", "x"));
        assertError(rh.call("/task/openapi/ai-app/run", badNode), 803, "APIKEY_INVALID_NODE_INFO");
    }

    @Test
    void anUploadIsStoredUnderApiAndWorksAsALoadImageValue() throws Exception {
        byte[] png = Files.readAllBytes(comfy.emulator().inputDirectory().resolve("example.png"));

        JsonNode answer = rh.upload(RunningHubEmulation.DEFAULT_API_KEY, "photo.PNG", png, "image");

        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.get("msg").asText()).isEqualTo("success");
        String fileName = answer.get("data").get("fileName").asText();
        assertThat(fileName).matches("api/[0-9a-f]{64}\\.png");
        assertThat(answer.get("data").get("fileType").asText()).isEqualTo("image");
        assertThat(comfy.emulator().inputDirectory().resolve(fileName)).hasBinaryContent(png);
        assertThat(rh.upload(RunningHubEmulation.DEFAULT_API_KEY, "photo.png", png, null).get("data").get("fileType")
                .asText()).isEqualTo("input");

        String taskId = rh.createTask(RunningHubEmulation.IMAGE_INVERT_WORKFLOW_ID, nodeInfo("1", "image", fileName));
        assertThat(rh.awaitEnd(taskId)).isEqualTo("SUCCESS");
        assertThat(rh.outputs(taskId).get("data").get(0).get("fileType").asText()).isEqualTo("png");
    }

    @Test
    void uploadErrors() {
        assertError(rh.upload("nope", "a.png", new byte[]{1}, "image"), 802, "APIKEY_UNAUTHORIZED");
        assertError(rh.upload(RunningHubEmulation.OTHER_SITE_API_KEY, "a.png", new byte[]{1}, "image"), 806,
                "APIKEY_USER_NOT_FOUND");
        assertThat(rh.upload(RunningHubEmulation.DEFAULT_API_KEY, null, null, "image").get("code").asInt())
                .isEqualTo(301);
        byte[] big = new byte[30 * 1024 * 1024 + 1];
        assertError(rh.upload(RunningHubEmulation.DEFAULT_API_KEY, "big.png", big, "image"), 809,
                "APIKEY_FILE_SIZE_EXCEEDED");
    }

    @Test
    void theCdnRefusesRequestsThatCarryAKey() {
        String taskId = rh.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        rh.awaitEnd(taskId);
        String url = rh.outputs(taskId).get("data").get(0).get("fileUrl").asText();
        Client plain = new Client("");

        Client.Response withHeader = plain.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + RunningHubEmulation.DEFAULT_API_KEY).GET());
        assertThat(withHeader.status()).isEqualTo(403);
        assertThat(withHeader.text()).contains("AccessDenied");
        assertThat(plain.get(url + "?apiKey=" + RunningHubEmulation.DEFAULT_API_KEY).status()).isEqualTo(403);
        assertThat(plain.get(url).status()).isEqualTo(200);
        assertThat(plain.get(url).body()).asString(StandardCharsets.UTF_8).isEqualTo("Hello, from ComfyKit");
        assertThat(plain.get(comfy.baseUrl() + "/rh-cdn/" + taskId + "/nothing.png").status()).isEqualTo(404);
        assertThat(plain.get(comfy.baseUrl() + "/rh-cdn/1/x.txt").status()).isEqualTo(404);
    }

    @Test
    void accountStatusReadsTheLowerCaseKey() {
        JsonNode answer = rh.call("/uc/openapi/accountStatus", "{\"apikey\": \"" + RunningHubEmulation.DEFAULT_API_KEY + "\"}");

        assertThat(answer.get("code").asInt()).isZero();
        JsonNode data = answer.get("data");
        assertThat(data.fieldNames()).toIterable()
                .containsExactly("remainCoins", "currentTaskCounts", "remainMoney", "currency", "apiType");
        assertThat(data.get("remainCoins").isTextual()).isTrue();
        assertThat(data.get("currentTaskCounts").asText()).isEqualTo("0");
        assertThat(data.get("remainMoney").isNull()).isTrue();
        assertThat(data.get("currency").isNull()).isTrue();
        assertThat(data.get("apiType").asText()).isEqualTo("NORMAL");

        assertError(rh.call("/uc/openapi/accountStatus", rh.body()), 802, "APIKEY_UNAUTHORIZED");
        assertError(rh.call("/uc/openapi/accountStatus", "{\"apikey\": \"" + RunningHubEmulation.OTHER_SITE_API_KEY
                + "\"}"), 806, "APIKEY_USER_NOT_FOUND");
    }

    @Test
    void aSuccessfulTaskCostsCoins() {
        comfy.emulator().runningHub().addApiKey("coins-key-00000000000000000000000");
        RunningHubClient account = new RunningHubClient(comfy.baseUrl(), "coins-key-00000000000000000000000");
        String body = "{\"apikey\": \"coins-key-00000000000000000000000\"}";
        long before = Long.parseLong(account.call("/uc/openapi/accountStatus", body).get("data").get("remainCoins").asText());
        String taskId = account.createTask(RunningHubEmulation.TEXT_WORKFLOW_ID, null);
        account.awaitEnd(taskId);
        long coins = Long.parseLong(account.outputs(taskId).get("data").get(0).get("consumeCoins").asText());
        long after = Long.parseLong(account.call("/uc/openapi/accountStatus", body).get("data").get("remainCoins").asText());
        assertThat(after).isEqualTo(before - coins);
    }

    @Test
    void malformedRequests() {
        assertThat(rh.call("/task/openapi/status", rh.body().put("taskId", "abc")).get("code").asInt()).isEqualTo(301);
        assertThat(rh.call("/task/openapi/status", rh.body()).get("code").asInt()).isEqualTo(301);
        assertError(rh.call("/task/openapi/status", "not json"), 802, "APIKEY_UNAUTHORIZED");
        assertError(rh.call("/api/openapi/upload", rh.body()), 412, "TOKEN_INVALID");
        assertThat(rh.http().get("/task/openapi/create").status()).isEqualTo(405);
        Iterator<String> names = rh.call("/task/openapi/outputs", rh.body().put("taskId", "1234567890123456789"))
                .fieldNames();
        assertThat(names).toIterable().containsExactly("code", "msg", "data");
    }
}
