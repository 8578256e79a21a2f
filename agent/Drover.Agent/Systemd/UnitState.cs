namespace Drover.Agent.Systemd;

/// <summary>
/// What systemd says of a unit (org.freedesktop.systemd1.Unit's LoadState/ActiveState/SubState), or why it
/// could not be asked (<see cref="Problem"/>: no system bus, no systemd on it).
/// </summary>
internal sealed record UnitState(string Unit, string LoadState, string ActiveState, string SubState, string? Problem = null)
{
    public static UnitState Unknown(string unit, string problem) => new(unit, "", "", "", problem);

    public bool IsActive => Problem is null && ActiveState == "active";
}
