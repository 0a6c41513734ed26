FUNCTION                 COUNT      TOTAL(us)       SELF(us)      AVG(us)      MIN(us)      MAX(us)
--------------------- -------- -------------- -------------- ------------ ------------ ------------
KmemCache::allocate        137              -              -            -            -            -
KmemCache::free            137              -              -            -            -            -
KmemCache::grow              1              -              -            -            -            -
KmemCache::~KmemCache        1              -              -            -            -            -
kfree                        9              -              -            -            -            -
kmalloc                      9              -              -            -            -            -
