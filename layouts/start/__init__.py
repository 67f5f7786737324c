"""The start page (/): which court is loaded and where each part of the product lives."""
