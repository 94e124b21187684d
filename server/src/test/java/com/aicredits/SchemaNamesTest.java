package com.aicredits;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * springdoc names each OpenAPI schema by its class's simple name and documents every later class of the same name
 * as the first it met: the credit requests once showed the consumption request's shape that way. The JSON shapes
 * live in the modules' web packages, so their names must be distinct there.
 */
class SchemaNamesTest {

    @Test
    void no_two_classes_of_the_web_packages_share_a_simple_name() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.aicredits");
        Map<String, Set<String>> byName = classes.stream()
                .filter(c -> c.getPackageName().endsWith(".web") || c.getPackageName().contains(".web."))
                .filter(c -> !c.isAnonymousClass() && !c.isLocalClass() && !c.getSimpleName().isEmpty())
                .collect(Collectors.groupingBy(JavaClass::getSimpleName, TreeMap::new,
                        Collectors.mapping(JavaClass::getName, Collectors.toCollection(TreeSet::new))));
        assertThat(byName).as("web classes").containsKey("CreditRequestJson");

        byName.values().removeIf(names -> names.size() == 1);
        assertThat(byName).as("simple names of more than one class in the web packages").isEmpty();
    }
}
