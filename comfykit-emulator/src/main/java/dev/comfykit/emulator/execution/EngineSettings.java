package dev.comfykit.emulator.execution;

import java.time.Duration;

/**
 * How the engine runs prompts.
 *
 * @param parallelism  how many prompts execute at once (1 like ComfyUI)
 * @param stepTime     simulated time of one sampler step
 * @param promptDelay  extra time every prompt takes, to simulate a job of a given length
 * @param outputCache  whether unchanged node results are reused across prompts, as ComfyUI does
 * @param previewEvery a KSampler sends a preview image every this many steps (0: none)
 */
public record EngineSettings(int parallelism, Duration stepTime, Duration promptDelay, boolean outputCache,
                             int previewEvery) {

    /** Settings without sampler previews. */
    public EngineSettings(int parallelism, Duration stepTime, Duration promptDelay, boolean outputCache) {
        this(parallelism, stepTime, promptDelay, outputCache, 0);
    }
}
