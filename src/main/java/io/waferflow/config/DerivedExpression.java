package io.waferflow.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.ValidationResult;
import net.objecthunter.exp4j.function.Function;
import net.objecthunter.exp4j.operator.Operator;
import net.objecthunter.exp4j.shuntingyard.ShuntingYard;
import net.objecthunter.exp4j.tokenizer.FunctionToken;
import net.objecthunter.exp4j.tokenizer.NumberToken;
import net.objecthunter.exp4j.tokenizer.OperatorToken;
import net.objecthunter.exp4j.tokenizer.Token;
import net.objecthunter.exp4j.tokenizer.VariableToken;

/**
 * One expression of {@code feature_group.derived}, parsed: arithmetic over doubles with exp4j (numbers, variables,
 * {@code + - * / % ^}, parentheses, exp4j's functions such as {@code abs sqrt log exp pow floor}, and {@code min max}
 * of two values). Variables are stored feature columns, earlier derived features and
 * {@code baseline.<parameter>.<statistic>}; which of them exist is {@link DerivedDefinitions}' to check.
 *
 * <p>Two departures from exp4j's defaults. No implicit multiplication, so a typo cannot turn into another formula
 * ({@code 2 vdd_mean} and {@code vdd_meanvdd_std} are errors, not products). And {@code /} and {@code %} by zero give
 * IEEE infinities or NaN (which the evaluator returns as null) instead of throwing, which would cost a stack trace per
 * entity on the serving path.
 *
 * <p>exp4j parses and checks the text and supplies the operators and functions; the postfix program it compiles to is
 * run here ({@link #evaluate}) over an array of variable values, instead of through exp4j's {@code Expression}, which
 * keeps variable values in itself (one copy per thread) and looks each up by name in a map on every call. Immutable, so
 * one instance serves any number of threads.
 */
public final class DerivedExpression {

    /**
     * IEEE division: x / 0 is ±Infinity or NaN. Same precedence and associativity as exp4j's own (which throws on a
     * zero divisor); {@link #evaluate} runs it inline, so the parser and exp4j's own evaluation agree with it (tests).
     */
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

    private static final Map<String, Function> FUNCTIONS = Map.of(MIN.getName(), MIN, MAX.getName(), MAX);
    private static final Map<String, Operator> OPERATORS =
            Map.of(DIVIDE.getSymbol(), DIVIDE, MODULO.getSymbol(), MODULO);

    // Step codes of the postfix program. The arithmetic operators run inline rather than through exp4j's
    // Operator.apply, a virtual call with a new varargs array per step.
    private static final int NUMBER = 0;
    private static final int VARIABLE = 1;
    private static final int ADD = 2;
    private static final int SUBTRACT = 3;
    private static final int MULTIPLY = 4;
    private static final int DIVIDE_STEP = 5;
    private static final int MODULO_STEP = 6;
    private static final int POWER = 7;
    private static final int NEGATE = 8;
    private static final int UNARY_PLUS = 9;
    private static final int FUNCTION = 10;

    private final String text;
    private final List<String> variables;

    // The program: per step its code and, by code, a number, a variable's index or a function.
    private final int[] codes;
    private final double[] numbers;
    private final int[] variableIndexes;
    private final Function[] functions;
    private final int stackDepth;

    private DerivedExpression(String text, List<String> variables, Token[] program) {
        this.text = text;
        this.variables = variables;
        int n = program.length;
        this.codes = new int[n];
        this.numbers = new double[n];
        this.variableIndexes = new int[n];
        this.functions = new Function[n];
        int depth = 0;
        int deepest = 0;
        for (int i = 0; i < n; i++) {
            Token t = program[i];
            switch (t.getType()) {
                case Token.TOKEN_NUMBER -> {
                    codes[i] = NUMBER;
                    numbers[i] = ((NumberToken) t).getValue();
                    depth++;
                }
                case Token.TOKEN_VARIABLE -> {
                    codes[i] = VARIABLE;
                    variableIndexes[i] = variables.indexOf(((VariableToken) t).getName());
                    depth++;
                }
                case Token.TOKEN_OPERATOR -> {
                    Operator op = ((OperatorToken) t).getOperator();
                    codes[i] = code(op);
                    depth -= op.getNumOperands() - 1;
                }
                case Token.TOKEN_FUNCTION -> {
                    codes[i] = FUNCTION;
                    functions[i] = ((FunctionToken) t).getFunction();
                    depth -= functions[i].getNumArguments() - 1;
                }
                default ->
                    throw new IllegalArgumentException(
                            "unexpected " + t.getClass().getSimpleName());
            }
            deepest = Math.max(deepest, depth);
        }
        this.stackDepth = deepest;
    }

    /** exp4j's built-in operators and this class's / and %: the only ones its parser can produce here. */
    private static int code(Operator op) {
        String key = op.getSymbol() + op.getNumOperands();
        return switch (key) {
            case "+2" -> ADD;
            case "-2" -> SUBTRACT;
            case "*2" -> MULTIPLY;
            case "/2" -> DIVIDE_STEP;
            case "%2" -> MODULO_STEP;
            case "^2" -> POWER;
            case "-1" -> NEGATE;
            case "+1" -> UNARY_PLUS;
            default -> throw new IllegalArgumentException("unknown operator '" + op.getSymbol() + "'");
        };
    }

    /**
     * Parses and compiles {@code text}.
     *
     * @throws IllegalArgumentException saying what does not parse
     */
    public static DerivedExpression parse(String text) {
        List<String> variables = variablesOf(text);
        Set<String> names = new LinkedHashSet<>(variables);
        try {
            // exp4j's own check of the operand count ("vdd_mean vdd_std", "vdd_mean -"), on its builder's result.
            ValidationResult valid = new ExpressionBuilder(text)
                    .implicitMultiplication(false)
                    .variables(names)
                    .operator(DIVIDE, MODULO)
                    .functions(MIN, MAX)
                    .build()
                    .validate(false);
            if (!valid.isValid()) {
                throw new IllegalArgumentException(String.join("; ", valid.getErrors()));
            }
            // The program the builder made, as tokens this class can run (the builder's stay private).
            Token[] program = ShuntingYard.convertToRPN(text, FUNCTIONS, OPERATORS, names, false);
            return new DerivedExpression(text, List.copyOf(variables), program);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // exp4j also throws EmptyStackException and the like on some malformed input
            throw new IllegalArgumentException(e.getMessage() == null ? "malformed" : e.getMessage(), e);
        }
    }

    /**
     * The value of the expression, {@code values[i]} being the value of {@code variables().get(i)}; IEEE arithmetic
     * throughout (a division by zero is infinite or NaN). The steps of exp4j's {@code Expression.evaluate}, with
     * variables read by index and the arithmetic operators inline (their exp4j definitions are these one-liners).
     */
    public double evaluate(double[] values) {
        double[] stack = new double[stackDepth];
        int top = 0;
        for (int i = 0; i < codes.length; i++) {
            switch (codes[i]) {
                case NUMBER -> stack[top++] = numbers[i];
                case VARIABLE -> stack[top++] = values[variableIndexes[i]];
                case ADD -> {
                    top--;
                    stack[top - 1] += stack[top];
                }
                case SUBTRACT -> {
                    top--;
                    stack[top - 1] -= stack[top];
                }
                case MULTIPLY -> {
                    top--;
                    stack[top - 1] *= stack[top];
                }
                case DIVIDE_STEP -> {
                    top--;
                    stack[top - 1] /= stack[top];
                }
                case MODULO_STEP -> {
                    top--;
                    stack[top - 1] %= stack[top];
                }
                case POWER -> {
                    top--;
                    stack[top - 1] = Math.pow(stack[top - 1], stack[top]);
                }
                case NEGATE -> stack[top - 1] = -stack[top - 1];
                case UNARY_PLUS -> {}
                default -> {
                    int arity = functions[i].getNumArguments();
                    double[] args = Arrays.copyOfRange(stack, top - arity, top);
                    top -= arity;
                    stack[top++] = functions[i].apply(args);
                }
            }
        }
        return stack[0];
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
}
