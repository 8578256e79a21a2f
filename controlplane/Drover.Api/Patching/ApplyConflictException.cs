namespace Drover.Api.Patching;

/// <summary>
/// Fields another field manager owns with other values: the API's 409, naming each manager as Kubernetes prints it
/// (<c>"kubectl"</c> for an applier, <c>"kubectl-edit" using apps/v1</c> for a writer) and each field.
/// </summary>
public sealed class ApplyConflictException : Exception
{
    public ApplyConflictException(IReadOnlyList<(string Manager, string Field)> conflicts)
        : base(Describe(conflicts)) => Conflicts = conflicts;

    public ApplyConflictException() : this([])
    {
    }

    public ApplyConflictException(string message) : base(message) => Conflicts = [];

    public ApplyConflictException(string message, Exception innerException) : base(message, innerException) => Conflicts = [];

    public IReadOnlyList<(string Manager, string Field)> Conflicts { get; }

    /// <summary>Kubernetes' wording: "Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas".</summary>
    private static string Describe(IReadOnlyList<(string Manager, string Field)> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        var count = conflicts.Count == 1 ? "1 conflict" : $"{conflicts.Count} conflicts";
        if (conflicts.Count == 1)
            return $"Apply failed with {count}: conflict with {conflicts[0].Manager}: {conflicts[0].Field}";
        var lines = conflicts.GroupBy(c => c.Manager).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"conflicts with {g.Key}:\n" + string.Join("\n", g.Select(c => "- " + c.Field)));
        return $"Apply failed with {count}: " + string.Join("\n", lines);
    }
}
