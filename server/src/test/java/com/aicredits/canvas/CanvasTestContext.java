package com.aicredits.canvas;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Canvas tests' shared set-up: the application's model is the local fake (one context for all of them). */
abstract class CanvasTestContext {

    @DynamicPropertySource
    static void useTheFakeModel(DynamicPropertyRegistry registry) {
        registry.add("aicredits.canvas.model.base-url", FakeChatModel.INSTANCE::baseUrl);
        registry.add("aicredits.canvas.model.name", () -> "fake-model");
    }
}
