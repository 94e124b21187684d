package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark compares the service's charges with pgbench running the service's own charge statement on the
 * same database, and its authorize+settle pairs with pgbench running the pair's two statements. That comparison only
 * means something while the statements are the same, so this test renders {@link AdmissionStore#CHARGE},
 * {@link AdmissionStore#AUTHORIZE} and {@link RequestStore#FINISH} with pgbench's variables in place of the service's
 * parameters and requires the benchmark's scripts to be exactly that.
 */
class PgbenchScriptTest {

    static final Path CHARGE_SCRIPT = Path.of("../bench/src/main/resources/pgbench-charge.sql");
    static final Path PAIR_SCRIPT = Path.of("../bench/src/main/resources/pgbench-pair.sql");

    /** What pgbench puts where the service binds a parameter: a seeded user of the largest tenant, 1 credit. */
    static final Map<String, String> PGBENCH_VALUES = Map.of(
            "tenant", "cast(:tenant as uuid)",
            "user", "md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid",
            "request", "'pgb-' || gen_random_uuid()",
            "feature", "'pgbench'",
            "actor", "'pgbench'",
            "amount", "1000",
            "now", "now()");

    /**
     * The pair's: one request id for both statements (a random number pgbench draws), the hold's time-to-live and
     * settle deadline at their defaults (LedgerSettings: 15 minutes, 24 hours), and the settle's cost.
     */
    static final Map<String, String> PAIR_VALUES = pairValues();

    private static Map<String, String> pairValues() {
        var values = new HashMap<>(PGBENCH_VALUES);
        values.put("request", "'pgp-' || :r");
        values.put("expires", "now() + interval '15 minutes'");
        values.put("settleBy", "now() + interval '24 hours'");
        values.put("cost", "1000");
        return values;
    }

    static String render(String statement, Map<String, String> values) {
        Matcher parameter = Pattern.compile("(?<![:\\w]):(\\w+)").matcher(statement);
        var sql = new StringBuilder();
        while (parameter.find()) {
            String value = values.get(parameter.group(1));
            if (value == null) {
                throw new IllegalStateException("the statement binds :" + parameter.group(1)
                        + ", which the pgbench script has no value for");
            }
            parameter.appendReplacement(sql, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(sql);
        return sql.toString().strip() + ";\n";
    }

    static String chargeScript() {
        return """
                -- pgbench: the SQL of one service charge (AdmissionStore.CHARGE), as the service sends it: one call of
                -- credits_charge (V30), the conditional UPDATE of the account, the request row and the ledger entry, on a
                -- random seeded user of the largest tenant. Variables: tenant, users (set with -D). Generated:
                -- PgbenchScriptTest holds it equal to the service's statement and prints the new text when it changes.
                \\set n random(1, :users)
                """ + render(AdmissionStore.CHARGE, PGBENCH_VALUES);
    }

    static String pairScript() {
        return """
                -- pgbench: the SQL of one service authorize+settle pair (AdmissionStore.AUTHORIZE, then RequestStore.FINISH
                -- on the same request id), as the service sends it: two statements, each committing on its own, on a random
                -- seeded user of the largest tenant. The database's own ceiling for pairs. Variables: tenant, users (set
                -- with -D). Generated: PgbenchScriptTest holds it equal to the service's statements.
                \\set n random(1, :users)
                \\set r random(1, 9000000000000000000)
                """ + render(AdmissionStore.AUTHORIZE, PAIR_VALUES) + render(RequestStore.FINISH, PAIR_VALUES);
    }

    @Test
    void the_benchmark_runs_the_services_own_charge_statement() throws IOException {
        String expected = chargeScript();
        assertThat(Files.readString(CHARGE_SCRIPT))
                .as("bench/src/main/resources/pgbench-charge.sql must be the service's charge statement; write this:\n%s", expected)
                .isEqualTo(expected);
    }

    @Test
    void the_benchmark_runs_the_services_own_pair_statements() throws IOException {
        String expected = pairScript();
        assertThat(Files.readString(PAIR_SCRIPT))
                .as("bench/src/main/resources/pgbench-pair.sql must be the service's authorize and settle statements; write this:\n%s",
                        expected)
                .isEqualTo(expected);
    }

    @Test
    void every_parameter_of_the_statements_has_a_pgbench_value() {
        assertThat(chargeScript()).doesNotContainPattern("(?<![:\\w]):(?!tenant\\b|n\\b|users\\b)\\w+");
        assertThat(pairScript()).doesNotContainPattern("(?<![:\\w]):(?!tenant\\b|n\\b|r\\b|users\\b)\\w+");
    }
}
