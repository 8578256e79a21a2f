using Drover.Api;

namespace Drover.Cli.Drain;

/// <summary>
/// The pods a drain will evict, and kubectl's grouped messages: <see cref="Errors"/> (any one stops the drain)
/// and <see cref="Warnings"/> (printed, the drain goes on), each "reason: ns/a, ns/b".
/// </summary>
internal sealed record DrainPlan(IReadOnlyList<Pod> ToEvict, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>kubectl's utilerrors aggregate: one message alone, several in brackets.</summary>
    public string ErrorText => Errors.Count == 1 ? Errors[0] : "[" + string.Join(", ", Errors) + "]";

    public string WarningText => string.Join("; ", Warnings);
}
