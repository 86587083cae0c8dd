package dev.comfykit.benchmarks;

import dev.comfykit.camel.ComfyKitComponent;
import dev.comfykit.camel.ComfyKitExpressions;
import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.spi.TransferListener;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code large-media}: one emulator process ({@code --max-upload-size} above the input); a Camel route uploads an
 * input file of {@code --size-mb} MB (a file message body), the emulator's {@code EmulatorFileCopy} writes it to an
 * output of the same size, and the route splits the output to a {@code file:} endpoint. Measures the heap peak of
 * this JVM (run it with {@code -Xmx256m}), the upload rate (from the send until the client reports the upload done,
 * hashing included) and the download rate (from the result until the file is written), and {@code curl}'s rates for
 * the same upload and download against the same emulator in the same run.
 */
final class LargeMediaScenario {

    private final Options options;
    private final PrintStream out;
    private final Report report;

    LargeMediaScenario(Options options, PrintStream out, Report report) {
        this.options = options;
        this.out = out;
        this.report = report;
    }

    void run() throws Exception {
        long size = (long) options.sizeMb << 20;
        Path work = Path.of("target", "large-media").toAbsolutePath();
        deleteTree(work);
        Path outbox = work.resolve("out");
        Files.createDirectories(outbox);
        out.printf(Locale.ROOT, "%n== large-media: %d MB up and %d MB down through the component, max heap %d MB ==%n",
                options.sizeMb, options.sizeMb, Runtime.getRuntime().maxMemory() >> 20);
        Path input = work.resolve("input.mp4");
        writeInput(input, size, 42);
        long limit = size + (64L << 20);
        try (ServerProcess server = ServerProcess.child(1, 0, options.emulatorJvmArgs, Path.of("target"),
                List.of("--max-upload-size", String.valueOf(limit >> 20)))) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("size_mb", options.sizeMb);
            figures.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            // the JDK HTTP client's read and write buffer (16 KiB unless -Djdk.httpclient.bufsize says otherwise)
            String bufsize = System.getProperty("jdk.httpclient.bufsize");
            figures.put("httpclient_bufsize", bufsize == null ? "default (16384)" : bufsize);
            out.println("jdk.httpclient.bufsize: " + (bufsize == null ? "default (16384)" : bufsize));
            measureComponent(server.url(), input, outbox, size, limit, figures);
            measureCurl(server.url(), input, work, figures);
            double up = (double) figures.get("upload_mb_s");
            double down = (double) figures.get("download_mb_s");
            Object curlUp = figures.get("curl_upload_mb_s");
            Object curlDown = figures.get("curl_download_mb_s");
            out.printf(Locale.ROOT, "heap_peak_mb %d%n", (long) figures.get("heap_peak_mb"));
            out.printf(Locale.ROOT, "upload_mb_s %.1f (curl %s)%n", up, curlUp);
            out.printf(Locale.ROOT, "download_mb_s %.1f (curl %s)%n", down, curlDown);
            if (curlUp instanceof Double cu && curlDown instanceof Double cd) {
                figures.put("upload_vs_curl", round(up / cu));
                figures.put("download_vs_curl", round(down / cd));
                out.printf(Locale.ROOT, "vs curl: upload %.2fx, download %.2fx%n", up / cu, down / cd);
            }
            report.addLargeMedia(figures);
        } finally {
            deleteTree(work);
        }
    }

    private void measureComponent(String url, Path input, Path outbox, long size, long limit,
                                  Map<String, Object> figures) throws Exception {
        AtomicLong uploadedAt = new AtomicLong();
        try (ComfyKit kit = ComfyKit.builder().environment(name -> null).comfyuiUrl(url).maxUploadBytes(limit)
                .maxOutputBytes(limit).timeout(Duration.ofMinutes(30)).build();
             DefaultCamelContext camel = new DefaultCamelContext()) {
            kit.addTransferListener(new TransferListener() {
                @Override
                public void uploaded(String serverUrl, long bytes) {
                    uploadedAt.set(System.nanoTime());
                }
            });
            ComfyKitComponent component = new ComfyKitComponent();
            component.getConfiguration().setComfyKit(kit);
            camel.addComponent("comfykit", component);
            AtomicLong resultAt = new AtomicLong();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:large").to("comfykit:classpath:workflows/file-copy.json")
                            .process(e -> resultAt.set(System.nanoTime()))
                            .split(ComfyKitExpressions.outputFiles())
                            .to("file:" + outbox);
                }
            });
            camel.start();
            // two smaller runs first: class loading, the JIT of the upload and download paths and the first
            // connection are not what is measured (a different file each time, so both are really uploaded)
            for (int round = 0; round < 2; round++) {
                Path warm = outbox.getParent().resolve("warm-up-" + round + ".mp4");
                writeInput(warm, Math.min(size, 128L << 20), round + 1);
                Exchange warmed = camel.createProducerTemplate().send("direct:large",
                        e -> e.getMessage().setBody(warm.toFile()));
                if (warmed.getException() != null) {
                    throw warmed.getException();
                }
                Files.delete(warm);
                try (var files = Files.list(outbox)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
            }
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long t0 = System.nanoTime();
            Exchange done = camel.createProducerTemplate().send("direct:large",
                    e -> e.getMessage().setBody(input.toFile()));
            long t1 = System.nanoTime();
            if (done.getException() != null) {
                throw done.getException();
            }
            long heap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heap += pool.getPeakUsage().getUsed();
                }
            }
            ExecuteResult result = done.getMessage().getBody() instanceof ExecuteResult r ? r : null;
            Path written;
            try (var files = Files.list(outbox)) {
                written = files.findFirst().orElseThrow(() -> new IOException("no output written to " + outbox));
            }
            if (Files.size(written) != size) {
                throw new IOException("the output has " + Files.size(written) + " bytes, not " + size);
            }
            double mb = size / 1048576.0;
            figures.put("heap_peak_mb", heap >> 20);
            figures.put("upload_mb_s", round(mb / ((uploadedAt.get() - t0) / 1e9)));
            figures.put("download_mb_s", round(mb / ((t1 - resultAt.get()) / 1e9)));
            figures.put("total_s", round((t1 - t0) / 1e9));
            figures.put("outputs", result == null ? 1 : result.getFiles().size());
            figures.put("output_filename", written.getFileName().toString());
            out.printf(Locale.ROOT, "component: %.1f s in all (upload %.1f s, server copy and tracking %.1f s,"
                            + " download %.1f s)%n", (t1 - t0) / 1e9, (uploadedAt.get() - t0) / 1e9,
                    (resultAt.get() - uploadedAt.get()) / 1e9, (t1 - resultAt.get()) / 1e9);
        }
    }

    private void measureCurl(String url, Path input, Path work, Map<String, Object> figures) throws Exception {
        if (!curlAvailable()) {
            out.println("curl not found: no curl figures");
            figures.put("curl_upload_mb_s", null);
            figures.put("curl_download_mb_s", null);
            return;
        }
        // the same file under another name: the emulator stores it again instead of finding it identical
        String upload = curl("-s", "-o", "/dev/null", "-w", "%{speed_upload}", "-F",
                "image=@" + input + ";filename=curl-input.mp4", "-F", "type=input", url + "/upload/image");
        Path target = work.resolve("curl-output.mp4");
        String outputName;
        try (var files = Files.list(work.resolve("out"))) {
            outputName = files.findFirst().orElseThrow().getFileName().toString();
        }
        String download = curl("-s", "-o", target.toString(), "-w", "%{speed_download}",
                url + "/view?filename=" + outputName + "&type=output");
        figures.put("curl_upload_mb_s", round(Double.parseDouble(upload.trim()) / 1048576.0));
        figures.put("curl_download_mb_s", round(Double.parseDouble(download.trim()) / 1048576.0));
    }

    private static boolean curlAvailable() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("curl " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    /** An input of the given size: one random MiB repeated (incompressible enough, quick to write). */
    private static void writeInput(Path file, long size, long seed) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(seed).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
