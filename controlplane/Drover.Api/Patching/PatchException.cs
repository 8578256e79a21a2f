namespace Drover.Api.Patching;

/// <summary>A patch that cannot apply: malformed (<see cref="Unprocessable"/> false: 400) or failing on this object (422).</summary>
public sealed class PatchException : Exception
{
    public PatchException(string message, bool unprocessable = false) : base(message) => Unprocessable = unprocessable;

    public PatchException() : this("the patch cannot be applied")
    {
    }

    public PatchException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public bool Unprocessable { get; }
}
