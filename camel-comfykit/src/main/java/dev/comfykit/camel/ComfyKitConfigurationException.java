package dev.comfykit.camel;

import dev.comfykit.client.ExecuteResult;
import dev.comfykit.client.ExecutionError;
import org.apache.camel.Exchange;

/**
 * The component's configuration is wrong in a way that sending again cannot fix: ComfyUI answered 404 for its API
 * (check baseUrl), or the cookies URL cannot be fetched or read (check cookies). Never worth retrying; the message names
 * the option to fix.
 */
public class ComfyKitConfigurationException extends ComfyKitFailureException {

    private static final long serialVersionUID = 1L;

    public ComfyKitConfigurationException(String message, Exchange exchange, ExecuteResult result,
            ExecutionError error, Throwable cause) {
        super(message, exchange, result, error, cause);
    }
}
