package com.aicredits;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTests {

    @Test
    void modules_only_use_each_others_public_facades_and_have_no_cycles() {
        ApplicationModules.of(AiCreditsApplication.class).verify();
    }
}
