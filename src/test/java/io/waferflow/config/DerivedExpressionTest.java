package io.waferflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.objecthunter.exp4j.ExpressionBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The postfix runner against hand-computed values and against exp4j's own evaluation of the same text. */
class DerivedExpressionTest {

    /** a = 2, b = 3, c = 0.5 */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "a + b * c          | 3.5",
                "(a + b) * c        | 2.5",
                "a - b - c          | -1.5", // left-associative
                "a ^ b ^ c          | 3.3219970854839125", // right-associative: 2 ^ (3 ^ 0.5) = 2 ^ 1.7320508
                "-a ^ 2             | -4", // exp4j: unary minus binds looser than ^
                "-a + b             | 1",
                "+a * -b            | -6",
                "10 % b             | 1",
                "1.5e1 / a          | 7.5",
                "abs(c - b)         | 2.5",
                "sqrt(a * 8)        | 4",
                "min(a, b) + max(b, c) | 5",
                "pow(a, b)          | 8",
                "log(exp(c))        | 0.5",
                "floor(b / a) + ceil(c) | 2",
                "100 * c - a        | 48",
            })
    void computesWhatExp4jComputes(String text, double expected) {
        DerivedExpression e = DerivedExpression.parse(text);
        double[] values = e.variables().stream()
                .mapToDouble(v -> switch (v) {
                    case "a" -> 2;
                    case "b" -> 3;
                    default -> 0.5;
                })
                .toArray();
        double exp4j = new ExpressionBuilder(text)
                .variables("a", "b", "c")
                .function(new net.objecthunter.exp4j.function.Function("min", 2) {
                    @Override
                    public double apply(double... args) {
                        return Math.min(args[0], args[1]);
                    }
                })
                .function(new net.objecthunter.exp4j.function.Function("max", 2) {
                    @Override
                    public double apply(double... args) {
                        return Math.max(args[0], args[1]);
                    }
                })
                .build()
                .setVariable("a", 2)
                .setVariable("b", 3)
                .setVariable("c", 0.5)
                .evaluate();
        assertThat(e.evaluate(values)).isEqualTo(exp4j).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void variablesAreListedInOrderOnceAndNumbersAndFunctionsAreNot() {
        assertThat(DerivedExpression.parse("(vdd_mean - baseline.vdd.mean) / baseline.vdd.std + vdd_mean * 1e-3")
                        .variables())
                .isEqualTo(List.of("vdd_mean", "baseline.vdd.mean", "baseline.vdd.std"));
        assertThat(DerivedExpression.parse("sqrt (idd_std) + 2.5E+2").variables())
                .containsExactly("idd_std");
    }

    @Test
    void divisionByZeroIsIeeeNotAnException() {
        assertThat(DerivedExpression.parse("a / b").evaluate(new double[] {1, 0}))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(DerivedExpression.parse("a / b").evaluate(new double[] {0, 0}))
                .isNaN();
        assertThat(DerivedExpression.parse("a % b").evaluate(new double[] {1, 0}))
                .isNaN();
    }

    @Test
    void malformedTextIsRefusedWithExp4jsReason() {
        for (String bad : List.of("a +", "(a", "a)", "a b", "2 a", "a ** b", "f(a)", "min(a)", ",", "a $ b")) {
            assertThatThrownBy(() -> DerivedExpression.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("null");
        }
    }
}
