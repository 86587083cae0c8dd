package dev.comfykit.camel;

import dev.comfykit.client.ComfyKit;
import dev.comfykit.client.ErrorKind;
import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.jobs.JobRecord;
import dev.comfykit.client.jobs.JobState;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code from("comfykit:jobs")}: delivers the finished jobs of the client's job store that nobody received, one
 * exchange per job: jobs submitted with the {@code submit} operation (fire-and-forget pipelines), and jobs whose
 * caller died, finished by this or another instance after claiming them. Jobs whose result went to a waiting
 * {@code execute} (or {@code await}) are delivered there and never here.
 * <p>
 * Each job is claimed for one lease ({@code leaseDuration}) before its exchange is created, and marked delivered
 * in the store when the exchange completes without an exception; a failed exchange leaves it undelivered, and it is
 * claimed again (by any instance) when the lease ends. So a job is delivered at least once, and exactly once to a
 * route that filters by the {@code CamelComfyKitJobId} header with an idempotent consumer on a shared repository
 * (e.g. camel-sql's {@code JdbcMessageIdRepository}), which covers an instance dying between its route's completion
 * and the store's write.
 * <p>
 * The message: the body is the job's {@link ExecuteResult} (as stored), headers {@code CamelComfyKitJobId},
 * {@code CamelComfyKitPromptId}, {@code CamelComfyKitJobState}, {@code CamelComfyKitStatus} and the job's
 * correlation headers (those listed in {@code correlationHeaders} when it was recorded).
 */
public class ComfyKitJobsConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ComfyKitJobsConsumer.class);
    /** The most jobs claimed per poll. */
    private static final int BATCH = 50;

    private ScheduledExecutorService executor;

    public ComfyKitJobsConsumer(ComfyKitEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public ComfyKitEndpoint getEndpoint() {
        return (ComfyKitEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!getEndpoint().getClient().hasJobStore()) {
            throw new IllegalArgumentException("comfykit:jobs delivers the finished jobs of a job store, and its"
                    + " client has none: set the component's jobStore option (e.g. jobStore=#myJobStore, a"
                    + " dev.comfykit.client.jobs.JobStore bean)");
        }
        long interval = Math.max(10, getEndpoint().getConfiguration().getJobsPollInterval());
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "ComfyKitJobs");
        executor.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        if (!isRunAllowed() || isSuspendingOrSuspended()) {
            return;
        }
        ComfyKit client = getEndpoint().getClient();
        List<JobRecord> jobs;
        try {
            jobs = client.claimUndeliveredJobs(BATCH);
        } catch (RuntimeException e) {
            getExceptionHandler().handleException("comfykit:jobs could not claim finished jobs from the store", e);
            return;
        }
        for (JobRecord job : jobs) {
            if (!isRunAllowed()) {
                return;
            }
            deliver(client, job);
        }
    }

    private void deliver(ComfyKit client, JobRecord job) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            job.correlation().forEach(message::setHeader);
            ExecuteResult result = client.jobResult(job);
            message.setHeader(ComfyKitConstants.JOB_ID, job.jobId());
            message.setHeader(ComfyKitConstants.PROMPT_ID, job.promptId());
            message.setHeader(ComfyKitConstants.JOB_STATE, job.state());
            message.setHeader(ComfyKitConstants.STATUS, result.getStatus());
            message.setHeader(ComfyKitConstants.DURATION, result.getDuration());
            if (result.isFailed()) {
                message.setHeader(ComfyKitConstants.ERROR_KIND, result.getError().getKind());
            }
            message.setBody(result);
            // marked after the route completed (also an asynchronous one): a crash before leaves it undelivered
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    if (!client.markJobDelivered(job)) {
                        LOG.warn("Job {} was delivered by another consumer too (its claim outlived the lease)",
                                job.jobId());
                    }
                }

                @Override
                public void onFailure(Exchange failed) {
                    LOG.warn("Job {} was not delivered ({}); it is delivered again when its claim ends",
                            job.jobId(), failed.getException() == null ? "failed" : failed.getException().toString());
                }
            });
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("comfykit:jobs: delivering job " + job.jobId() + " failed",
                    exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    @Override
    protected void doStop() throws Exception {
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
        super.doStop();
    }

    /** The job state of a result: SUCCEEDED, CANCELLED or FAILED. */
    static JobState stateOf(ExecuteResult result) {
        if (result.getError() == null) {
            return JobState.SUCCEEDED;
        }
        return result.getError().getKind() == ErrorKind.CANCELLED ? JobState.CANCELLED : JobState.FAILED;
    }

    /** The header names of a comma-separated list. */
    static List<String> names(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(name -> !name.isEmpty()).distinct().toList();
    }
}
