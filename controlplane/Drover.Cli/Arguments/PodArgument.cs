using Drover.Api;

namespace Drover.Cli.Arguments;

/// <summary>A pod named on the command line as NAME or pod/NAME (kubectl exec and port-forward also take deployment/NAME; drover logs does, through Logs.LogsTarget).</summary>
internal static class PodArgument
{
    /// <param name="refusal">What the command does, for the error: "drover exec runs in pods".</param>
    public static string Name(string argument, string refusal)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var slash = argument.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return argument;
        var type = ResourceKinds.Resolve(argument[..slash]);
        if (type != ResourceTypes.Pods)
            throw new CliException($"error: {refusal}; \"{argument}\" names a {type.Kind}");
        return argument[(slash + 1)..];
    }
}
