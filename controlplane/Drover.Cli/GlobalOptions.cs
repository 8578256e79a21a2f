using System.CommandLine;

namespace Drover.Cli;

/// <summary>Options every command accepts (recursive, so `drover get pods -n x` and `drover -n x get pods` both work).</summary>
internal static class GlobalOptions
{
    public static Option<string?> Config { get; } = new("--config", "--kubeconfig")
    {
        Description = "Client config file, a kubeconfig (default: $DROVER_CONFIG, else the first file of $KUBECONFIG, else ~/.drover/config)",
        Recursive = true,
    };

    public static Option<string?> Context { get; } = new("--context")
    {
        Description = "The context of the config file to use (default: its current-context)",
        Recursive = true,
    };

    public static Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace (default: the config's context namespace)",
        Recursive = true,
    };
}
