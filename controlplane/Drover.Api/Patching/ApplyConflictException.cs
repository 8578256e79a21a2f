namespace Drover.Api.Patching;

/// <summary>Fields another field manager applied with other values: the API's 409, naming each manager and field.</summary>
public sealed class ApplyConflictException : Exception
{
    public ApplyConflictException(IReadOnlyList<(string Manager, string ApiVersion, string Field)> conflicts)
        : base(Describe(conflicts)) => Conflicts = conflicts;

    public ApplyConflictException() : this([])
    {
    }

    public ApplyConflictException(string message) : base(message) => Conflicts = [];

    public ApplyConflictException(string message, Exception innerException) : base(message, innerException) => Conflicts = [];

    public IReadOnlyList<(string Manager, string ApiVersion, string Field)> Conflicts { get; }

    /// <summary>Kubernetes' wording: "Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas".</summary>
    private static string Describe(IReadOnlyList<(string Manager, string ApiVersion, string Field)> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        var count = conflicts.Count == 1 ? "1 conflict" : $"{conflicts.Count} conflicts";
        if (conflicts.Count == 1)
            return $"Apply failed with {count}: conflict with \"{conflicts[0].Manager}\" using {conflicts[0].ApiVersion}: {conflicts[0].Field}";
        var lines = conflicts.GroupBy(c => (c.Manager, c.ApiVersion))
            .Select(g => $"conflicts with \"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n" + string.Join("\n", g.Select(c => "- " + c.Field)));
        return $"Apply failed with {count}: " + string.Join("\n", lines);
    }
}
