namespace Drover.Agent.Images;

internal enum AirgapImportOutcome
{
    Imported,
    AlreadyImported,
    Failed,
}

/// <summary>What happened to one archive of DATA_DIR/images; <paramref name="Error"/> says why it failed.</summary>
internal sealed record AirgapImportResult(string Archive, AirgapImportOutcome Outcome, string? Error);
