package io.waferflow.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.ValidationResult;
import net.objecthunter.exp4j.function.Function;
import net.objecthunter.exp4j.operator.Operator;

/**
 * One expression of {@code feature_group.derived}, parsed: arithmetic over doubles with exp4j (numbers, variables,
 * {@code + - * / % ^}, parentheses, exp4j's functions such as {@code abs sqrt log exp pow floor}, and {@code min max}
 * of two values). Variables are stored feature columns, earlier derived features and
 * {@code baseline.<parameter>.<statistic>}; which of them exist is {@link DerivedDefinitions}' to check.
 *
 * <p>Two departures from exp4j's defaults, both so a typo cannot turn into a different formula: no implicit
 * multiplication ({@code 2 vdd_mean} and {@code vdd_meanvdd_std} are errors, not products), and {@code /} and {@code %}
 * by zero give IEEE infinities or NaN (which the evaluator returns as null) instead of throwing, which would also cost
 * a stack trace per entity on the serving path.
 */
public final class DerivedExpression {

    /** IEEE division: x / 0 is ±Infinity or NaN. Same precedence and associativity as exp4j's own. */
    private static final Operator DIVIDE = new Operator("/", 2, true, Operator.PRECEDENCE_DIVISION) {
        @Override
        public double apply(double... args) {
            return args[0] / args[1];
        }
    };

    private static final Operator MODULO = new Operator("%", 2, true, Operator.PRECEDENCE_MODULO) {
        @Override
        public double apply(double... args) {
            return args[0] % args[1];
        }
    };

    private static final Function MIN = new Function("min", 2) {
        @Override
        public double apply(double... args) {
            return Math.min(args[0], args[1]);
        }
    };

    private static final Function MAX = new Function("max", 2) {
        @Override
        public double apply(double... args) {
            return Math.max(args[0], args[1]);
        }
    };

    private final String text;
    private final List<String> variables;
    private final Expression compiled;

    private DerivedExpression(String text, List<String> variables, Expression compiled) {
        this.text = text;
        this.variables = variables;
        this.compiled = compiled;
    }

    /**
     * Parses and compiles {@code text}.
     *
     * @throws IllegalArgumentException saying what does not parse
     */
    public static DerivedExpression parse(String text) {
        List<String> variables = variablesOf(text);
        Expression compiled;
        try {
            compiled = new ExpressionBuilder(text)
                    .implicitMultiplication(false)
                    .variables(new LinkedHashSet<>(variables))
                    .operator(DIVIDE, MODULO)
                    .functions(MIN, MAX)
                    .build();
        } catch (RuntimeException e) { // exp4j also throws EmptyStackException and the like on some malformed input
            throw new IllegalArgumentException(e.getMessage() == null ? "malformed" : e.getMessage(), e);
        }
        ValidationResult valid = compiled.validate(false);
        if (!valid.isValid()) {
            throw new IllegalArgumentException(String.join("; ", valid.getErrors()));
        }
        return new DerivedExpression(text, List.copyOf(variables), compiled);
    }

    /**
     * The variable names in order of first appearance: every name not followed by {@code (}. Found here rather than by
     * exp4j, which accepts only names declared up front and would report an unknown one as a position.
     */
    static List<String> variablesOf(String text) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isDigit(c) || c == '.') {
                i = endOfNumber(text, i);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < text.length() && isNameChar(text.charAt(i))) {
                    i++;
                }
                int next = i;
                while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
                    next++;
                }
                if (next == text.length() || text.charAt(next) != '(') {
                    names.add(text.substring(start, i));
                }
            } else {
                i++;
            }
        }
        return new ArrayList<>(names);
    }

    /** Past a number such as {@code 100}, {@code 0.5} or {@code 1.5e-3}, so its exponent is not read as a name. */
    private static int endOfNumber(String text, int i) {
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < text.length() && (text.charAt(j) == '+' || text.charAt(j) == '-')) {
                j++;
            }
            if (j < text.length() && Character.isDigit(text.charAt(j))) {
                i = j;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    public String text() {
        return text;
    }

    /** The names the expression reads, in order of first appearance. */
    public List<String> variables() {
        return variables;
    }

    /**
     * A copy to evaluate with. exp4j keeps variable values inside the expression, so one copy serves one thread at a
     * time; the compiled postfix tokens themselves are immutable and shared.
     */
    public Expression newEvaluator() {
        return new Expression(compiled);
    }
}
