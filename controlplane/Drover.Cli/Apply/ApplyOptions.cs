namespace Drover.Cli.Apply;

/// <summary>kubectl's --dry-run values: none sends the writes, client sends none, server sends them with dryRun=All.</summary>
internal enum DryRun
{
    None,
    Client,
    Server,
}

/// <summary>How `apply` (and `diff`) write: client-side three-way merge or server-side apply, and whether for real.</summary>
internal sealed record ApplyOptions(DryRun DryRun = DryRun.None, bool ServerSide = false, bool ForceConflicts = false, string FieldManager = ApplyOptions.DefaultFieldManager)
{
    public const string DefaultFieldManager = "drover";

    /// <summary>What kubectl appends to each result line: " (dry run)" or " (server dry run)".</summary>
    public string Suffix => DryRun switch
    {
        DryRun.Client => " (dry run)",
        DryRun.Server => " (server dry run)",
        _ => "",
    };

    public static DryRun ParseDryRun(string? text) => text switch
    {
        null or "" or "none" or "false" => DryRun.None,
        "client" or "true" => DryRun.Client,
        "server" => DryRun.Server,
        _ => throw new CliException($"error: Invalid dry-run value ({text}). Must be \"none\", \"server\", or \"client\"."),
    };
}
