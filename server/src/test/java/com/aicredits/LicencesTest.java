package com.aicredits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every component the server ships is under a licence on the committed allow-list. The bill of materials is
 * written by the CycloneDX plugin before the tests run (server/pom.xml), so a new dependency, or a new
 * version of one that changed its licence, fails the build here. Found that way: Spring Session 4.1.1's POM
 * names the "Broadcom Foundation License", so the build pins 4.1.0.
 */
class LicencesTest {

    private static final Path BOM = Path.of("target", "bom.json");
    private static final Path ALLOWED = Path.of("licences-allowed.txt");

    @Test
    void every_shipped_component_has_a_licence_on_the_allow_list() throws IOException {
        assertThat(BOM).as("target/bom.json is written by `./mvnw verify` (cyclonedx-maven-plugin)").exists();
        Set<String> allowed = Files.readAllLines(ALLOWED).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toSet());
        JsonNode bom = JsonMapper.builder().build().readTree(BOM.toFile());
        List<String> refused = new ArrayList<>();
        for (JsonNode component : bom.path("components")) {
            List<String> licences = licences(component);
            if (licences.stream().noneMatch(allowed::contains)) {
                refused.add(component.path("group").asString() + ":" + component.path("name").asString() + ":"
                        + component.path("version").asString() + " " + licences);
            }
        }
        assertThat(bom.path("components").size()).as("the bill of materials lists the dependencies").isGreaterThan(50);
        assertThat(refused).as("components with no licence on licences-allowed.txt").isEmpty();
    }

    /** The ids, names or the alternatives of an SPDX "A OR B" expression a component is offered under. */
    private static List<String> licences(JsonNode component) {
        List<String> licences = new ArrayList<>();
        for (JsonNode choice : component.path("licenses")) {
            if (choice.has("expression")) {
                licences.addAll(Arrays.stream(choice.path("expression").asString().split(" OR "))
                        .map(s -> s.replace("(", "").replace(")", "").strip()).toList());
            } else {
                JsonNode licence = choice.path("license");
                licences.add(licence.has("id") ? licence.path("id").asString() : licence.path("name").asString());
            }
        }
        return licences;
    }
}
