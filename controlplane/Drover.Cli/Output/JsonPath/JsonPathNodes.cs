using System.Text.Json;

namespace Drover.Cli.Output.JsonPath;

/// <summary>One step of a path: what it does to the set of values reached so far.</summary>
internal abstract record PathStep;

/// <summary>`.name`, `['name']`, `['a','b']`: the named members of objects.</summary>
internal sealed record FieldStep(IReadOnlyList<string> Names) : PathStep;

/// <summary>`.*` or `[*]`: every member of an object, every element of an array.</summary>
internal sealed record WildcardStep : PathStep;

/// <summary>`..`: the value and everything below it, before the next step.</summary>
internal sealed record DescendantsStep : PathStep;

/// <summary>`[0]`, `[-1]`, `[0,2]`: elements by position, negative from the end.</summary>
internal sealed record IndexStep(IReadOnlyList<int> Indexes) : PathStep;

/// <summary>`[start:end:step]`, Python-style bounds.</summary>
internal sealed record SliceStep(int? Start, int? End, int Step) : PathStep;

/// <summary>`[?(@.type == "Ready")]`: the elements of an array for which the condition holds.</summary>
internal sealed record FilterStep(Condition Condition) : PathStep;

/// <summary>A path from the current value (`@`, or a leading `.`) or from the root (`$`).</summary>
internal sealed record JsonPathExpression(bool FromRoot, IReadOnlyList<PathStep> Steps);

/// <summary>A filter's test: `left OP right`, or just `left` (it exists).</summary>
internal sealed record Condition(JsonPathExpression Left, string? Operator, Operand? Right);

/// <summary>The right side of a comparison: a literal or another path.</summary>
internal abstract record Operand;

internal sealed record LiteralOperand(JsonElement Value) : Operand;

internal sealed record PathOperand(JsonPathExpression Path) : Operand;

/// <summary>A piece of a template: literal text, an expression to print, or a `{range}…{end}` block.</summary>
internal abstract record TemplatePart;

internal sealed record TextPart(string Text) : TemplatePart;

internal sealed record ExpressionPart(JsonPathExpression Expression) : TemplatePart;

internal sealed record RangePart(JsonPathExpression Expression, IReadOnlyList<TemplatePart> Body) : TemplatePart;
