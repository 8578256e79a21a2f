namespace Drover.Api;

/// <summary>The API form of label selectors (apimachinery's ValidateLabelSelector).</summary>
internal static class SelectorValidation
{
    public static void Validate(LabelSelector selector, string path, ErrorList errors)
    {
        MetadataValidation.ValidateLabels(selector.MatchLabels, path + ".matchLabels", errors);
        if (selector.MatchExpressions is not { } expressions)
            return;
        for (var i = 0; i < expressions.Count; i++)
        {
            var at = $"{path}.matchExpressions[{i}]";
            var expression = expressions[i];
            if (expression is null)
            {
                errors.Required(at);
                continue;
            }
            var valueCount = expression.Values?.Count ?? 0;
            switch (expression.Operator)
            {
                case "In" or "NotIn":
                    if (valueCount == 0)
                        errors.Required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case "Exists" or "DoesNotExist":
                    if (valueCount > 0)
                        errors.Forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
                default:
                    errors.Invalid(at + ".operator", expression.Operator, "not a valid selector operator");
                    break;
            }
            if (LabelValidation.ValidateKey(expression.Key ?? "") is { } keyProblem)
                errors.Invalid(at + ".key", expression.Key, keyProblem);
            for (var j = 0; j < valueCount; j++)
            {
                var value = expression.Values![j] ?? "";
                if (LabelValidation.ValidateValue(value) is { } valueProblem)
                    errors.Invalid($"{at}.values[{j}]", value, valueProblem);
            }
        }
    }

    public static bool IsEmpty(LabelSelector selector) =>
        (selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0) == 0;

    /// <summary>The <c>kubectl -l</c> form, for messages.</summary>
    public static string Describe(LabelSelector selector)
    {
        try
        {
            return Selector.FromLabelSelector(selector).ToString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return "<invalid selector>";
        }
    }

    /// <summary>Whether a selector that already passed <see cref="Validate"/> selects <paramref name="labels"/>.</summary>
    public static bool Matches(LabelSelector selector, Dictionary<string, string>? labels)
    {
        try
        {
            return Selector.FromLabelSelector(selector).Matches(labels);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // A selector Selector cannot build (e.g. a JSON null among its values) gets no second error here.
            return true;
        }
    }
}
