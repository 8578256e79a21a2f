namespace Drover.Api;

/// <summary>Node taints and pod tolerations (Kubernetes validateNodeTaints / validateTolerations).</summary>
internal static class TaintValidation
{
    private static readonly string[] Effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public static void ValidateTolerations(List<Toleration>? tolerations, string path, ErrorList errors)
    {
        if (tolerations is null)
            return;
        for (var i = 0; i < tolerations.Count; i++)
        {
            var at = $"{path}[{i}]";
            var toleration = tolerations[i];
            if (toleration is null)
            {
                errors.Required(at);
                continue;
            }
            var key = toleration.Key ?? "";
            if (key.Length > 0 && LabelValidation.ValidateKey(key) is { } keyProblem)
                errors.Invalid(at + ".key", key, keyProblem);
            // An empty key with Exists tolerates every taint; with Equal it could never match anything.
            if (key.Length == 0 && toleration.Operator != "Exists")
                errors.Invalid(at + ".operator", toleration.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
            // Only NoExecute evicts, so only it has a time after which the toleration stops.
            if (toleration.TolerationSeconds is not null && toleration.Effect != "NoExecute")
                errors.Invalid(at + ".effect", toleration.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
            switch (toleration.Operator)
            {
                case null or "" or "Equal":
                    if (LabelValidation.ValidateValue(toleration.Value ?? "") is { } valueProblem)
                        errors.Invalid(at + ".operator", toleration.Value, valueProblem);
                    break;
                case "Exists":
                    if (!string.IsNullOrEmpty(toleration.Value))
                        errors.Invalid(at + ".operator", toleration.Value, "value must be empty when `operator` is 'Exists'");
                    break;
                default:
                    errors.NotSupported(at + ".operator", toleration.Operator, "Equal", "Exists");
                    break;
            }
            // An empty effect tolerates every effect.
            if (!string.IsNullOrEmpty(toleration.Effect))
                ValidateEffect(toleration.Effect, at + ".effect", errors);
        }
    }

    public static void ValidateTaints(List<Taint>? taints, string path, ErrorList errors)
    {
        if (taints is null)
            return;
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var at = $"{path}[{i}]";
            var taint = taints[i];
            if (taint is null)
            {
                errors.Required(at);
                continue;
            }
            if (LabelValidation.ValidateKey(taint.Key ?? "") is { } keyProblem)
                errors.Invalid(at + ".key", taint.Key, keyProblem);
            if (LabelValidation.ValidateValue(taint.Value ?? "") is { } valueProblem)
                errors.Invalid(at + ".value", taint.Value, valueProblem);
            if (string.IsNullOrEmpty(taint.Effect))
                errors.Required(at + ".effect");
            else
                ValidateEffect(taint.Effect, at + ".effect", errors);
            if (!seen.Add((taint.Key ?? "", taint.Effect ?? "")))
                errors.Duplicate(at, $"{taint.Key}:{taint.Effect}", "taints must be unique by key and effect pair");
        }
    }

    private static void ValidateEffect(string effect, string path, ErrorList errors)
    {
        if (Array.IndexOf(Effects, effect) < 0)
            errors.NotSupported(path, effect, Effects);
    }
}
