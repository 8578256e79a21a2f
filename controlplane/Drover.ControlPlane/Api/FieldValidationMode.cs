namespace Drover.ControlPlane.Api;

/// <summary>What a write does with fields the kind does not have (the fieldValidation query parameter).</summary>
public enum FieldValidationMode
{
    /// <summary>Refuse the request with a 400 naming the first unknown field.</summary>
    Strict,

    /// <summary>Drop the unknown fields and name each in a <c>Warning</c> response header.</summary>
    Warn,

    /// <summary>Drop the unknown fields silently.</summary>
    Ignore,
}
