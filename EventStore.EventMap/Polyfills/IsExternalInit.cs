using System.ComponentModel;

namespace System.Runtime.CompilerServices;

/// <summary>Lets netstandard2.0 compile records and init accessors; the type ships only from .NET 5 on.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
internal static class IsExternalInit;
