package dev.comfykit.camel.springboot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * An application with nothing but auto-configuration, as a user's application that adds the starter. No component
 * scan, so that each test declares the beans it needs.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {
}
