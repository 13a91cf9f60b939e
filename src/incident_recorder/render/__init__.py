"""Renderers that need Qt's painting but no widgets: the PDF report (QPdfWriter painting a
QTextDocument) and decoding images into QImages. QtGui only, never QtWidgets (an import-linter
contract says so), so the CLI and the export child write a PDF without loading any of ui/;
a QGuiApplication must exist for fonts (the CLI makes an offscreen one).
"""
