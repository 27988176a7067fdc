/**
 * PyTorch's checkpoint format ({@code torch.save} since 1.6: a zip archive holding a pickle and one
 * record per tensor storage), read and written without Python. The reader accepts only the objects
 * a state dict needs (dicts, lists, tuples, numbers, strings, tensors) and never runs code named in
 * the file, like {@code torch.load(weights_only=True)}; the writer produces what {@code torch.load}
 * reads. BlockZero validators exchange expert weights as such {@code .pt} files.
 */
package dev.quarry.storage.pytorch;
