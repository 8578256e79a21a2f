using System.CommandLine;

namespace Drover.Cli.Apply;

/// <summary>The flags `apply` and `diff` share (--server-side, --force-conflicts, --field-manager), declared once.</summary>
internal sealed class ApplyFlags
{
    private readonly Option<bool> _serverSide;
    private readonly Option<bool> _forceConflicts;
    private readonly Option<string> _fieldManager;

    public ApplyFlags(string verbPhrase)
    {
        _serverSide = new Option<bool>("--server-side") { Description = $"Server-side apply: the server merges by field ownership (managedFields){verbPhrase}" };
        _forceConflicts = new Option<bool>("--force-conflicts") { Description = "With --server-side: take over fields another manager owns instead of failing" };
        _fieldManager = new Option<string>("--field-manager") { Description = "Name of the manager that owns the applied fields", DefaultValueFactory = _ => ApplyOptions.DefaultFieldManager };
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_serverSide);
        command.Options.Add(_forceConflicts);
        command.Options.Add(_fieldManager);
    }

    public ApplyOptions Read(ParseResult parse, DryRun dryRun)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var options = new ApplyOptions(dryRun, parse.GetValue(_serverSide), parse.GetValue(_forceConflicts), parse.GetValue(_fieldManager) ?? ApplyOptions.DefaultFieldManager);
        if (options.ForceConflicts && !options.ServerSide)
            throw new CliException("error: --force-conflicts only works with --server-side");
        return options;
    }
}
